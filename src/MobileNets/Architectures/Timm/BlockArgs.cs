using System.Globalization;
using System.Text.RegularExpressions;
using MobileNets.Kernels;

namespace MobileNets.Architectures.Timm;

/// <summary>
/// One decoded timm block string (<c>_efficientnet_builder._decode_block_str</c>), e.g.
/// <c>ir_r2_k3_s2_e6_c24_se0.25_nre</c>: type, repeats, kernel, stride, expansion, output channels,
/// SE ratio, activation override, skip flags. V4's <c>uir</c> start/end kernels (<c>a</c>, <c>p</c>) and
/// attention fields (<c>h</c>, <c>d</c>, <c>v</c>) are kept for the builders that read them.
/// </summary>
internal sealed record BlockArgs(
    string Type, int Repeats, int Kernel, int Stride, double Expansion, int OutChannels,
    double SeRatio, Activation? Act, bool NoSkip, bool ForceSkip,
    int StartKernel, int EndKernel, int Heads, int KeyDim, int KvStride, int ForceInChannels)
{
    static readonly Regex Numeric = new(@"^([a-z]+)(\d.*)$", RegexOptions.CultureInvariant);

    public static BlockArgs Parse(string block)
    {
        var ops = block.Split('_');
        string type = ops[0];
        var options = new Dictionary<string, string>();
        Activation? act = null;
        bool noSkip = false, skip = false;
        foreach (var op in ops.Skip(1))
        {
            if (op == "noskip") { noSkip = true; continue; }
            if (op == "skip") { skip = true; continue; }
            if (op.StartsWith('n'))
            {
                act = op[1..] switch
                {
                    "re" => Activation.ReLU,
                    "r6" => Activation.ReLU6,
                    "hs" => Activation.HardSwish,
                    "sw" => Activation.SiLU,
                    _ => throw new ArgumentException($"unknown activation '{op}' in block '{block}'"),
                };
                continue;
            }
            var m = Numeric.Match(op);
            if (!m.Success) throw new ArgumentException($"cannot parse '{op}' in block '{block}'");
            options[m.Groups[1].Value] = m.Groups[2].Value;
        }
        int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Dbl(string key, double fallback) => options.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        bool isUir = type == "uir";
        return new BlockArgs(
            type, Int("r", 1), Int("k", isUir ? 0 : 1), Int("s", 1), Dbl("e", 1.0), Int("c", 0),
            Dbl("se", 0), act, noSkip || type == "dsa", skip,
            StartKernel: Int("a", isUir ? 0 : 1), EndKernel: Int("p", isUir ? 0 : 1),
            Heads: Int("h", 0), KeyDim: Int("d", 0), KvStride: Int("v", 1), ForceInChannels: Int("fc", 0));
    }

    /// <summary>
    /// <c>decode_arch_def</c>: stages of block strings to stages of block args, repeats scaled by the
    /// depth multiplier (ceil of the stage total, distributed from the last block backwards).
    /// </summary>
    public static List<List<BlockArgs>> DecodeArchitecture(string[][] stages, double depthMultiplier = 1.0, bool fixFirstLast = false)
    {
        var result = new List<List<BlockArgs>>();
        for (int s = 0; s < stages.Length; s++)
        {
            var args = stages[s].Select(Parse).ToList();
            double multiplier = fixFirstLast && (s == 0 || s == stages.Length - 1) ? 1.0 : depthMultiplier;
            result.Add(ScaleStageDepth(args, multiplier));
        }
        return result;
    }

    static List<BlockArgs> ScaleStageDepth(List<BlockArgs> args, double multiplier)
    {
        int total = args.Sum(a => a.Repeats);
        int scaledTotal = (int)Math.Ceiling(total * multiplier);
        var scaled = new int[args.Count];
        int remaining = total, remainingScaled = scaledTotal;
        for (int i = args.Count - 1; i >= 0; i--)
        {
            int r = args[i].Repeats;
            int rs = Math.Max(1, Channels.PyRound(r / (double)remaining * remainingScaled));
            scaled[i] = rs;
            remaining -= r;
            remainingScaled -= rs;
        }
        var blocks = new List<BlockArgs>();
        for (int i = 0; i < args.Count; i++)
            for (int r = 0; r < scaled[i]; r++) blocks.Add(args[i]);
        return blocks;
    }
}
