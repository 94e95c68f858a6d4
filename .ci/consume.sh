#!/usr/bin/env bash
# Proves the packages are consumable: packs the solution into a local folder feed, then builds and
# runs a fresh console app that references `MobileNets` from that feed and runs the three-line
# program (on a shared photo when ../shared/data is present, else a generated PNG).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A version of its own per run, so the restore cannot pick a stale copy from the global packages folder.
base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
version="$base-ci.$(date +%s)"
dotnet pack "$root/MobileNets.sln" -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true -p:Version="$version" >/dev/null
ls "$work/feed"/MobileNets.*.nupkg >/dev/null
for id in MobileNets MobileNets.Detection MobileNets.Segmentation MobileNets.Cli; do
  [ -d "$root/src/$id" ] || continue
  ls "$work/feed/$id".[0-9]*.nupkg >/dev/null || { echo "consume: package $id was not produced"; exit 1; }
done
# Package metadata every package must carry (from Directory.Build.props).
for pkg in "$work/feed"/MobileNets*.nupkg; do
  nuspec=$(unzip -p "$pkg" '*.nuspec')
  for tag in '<projectUrl>' '<repository type="git" url=' '<license type="expression">' '<readme>'; do
    grep -qF "$tag" <<<"$nuspec" || { echo "consume: $(basename "$pkg") has no $tag in its nuspec"; exit 1; }
  done
done
mkdir -p "$work/app"
cat > "$work/app/app.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="MobileNets" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$work/app/nuget.config" <<XML
<configuration><packageSources><add key="local" value="$work/feed" /></packageSources></configuration>
XML
cat > "$work/app/Program.cs" <<'CS'
using MobileNets;
using var classifier = ImageClassifier.Load(args[0]);
foreach (var p in classifier.Classify(args[1], top: 5)) Console.WriteLine(p);
CS
# Large fixtures are committed deflated (NAME.zip holds NAME, tools/reference/fixture_files.py); the
# test build unpacks them, this script may run before it.
fixture="$root/tests/MobileNets.Tests/Fixtures/Classifiers/mobilenetv3_large_100_w0.25.safetensors"
model="$work/$(basename "$fixture")"
if [ -f "$fixture" ]; then cp "$fixture" "$model"; else python3 -m zipfile -e "$fixture.zip" "$work"; fi
image="$root/../shared/data/images/cat.bmp"
[ -f "$image" ] || image="$root/tests/MobileNets.Tests/Fixtures/Imaging/inputs/png_rgb8.png"
[ -f "$image" ] || image=$(ls "$root"/tests/MobileNets.Tests/Fixtures/Imaging/inputs/*.png | head -1)
out=$(dotnet run --project "$work/app" -c Release -- "$model" "$image")
echo "$out"
[ "$(echo "$out" | grep -c '%)')" -eq 5 ] || { echo "consume: expected five predictions"; exit 1; }
