namespace MobileNets.Tests.PyTorch;

/// <summary>Files written by tools/reference/make_pth_fixtures.py.</summary>
public static class PyTorchFixtures
{
    public static string Path(string name) => TestPaths.Fixtures("PyTorch", name);

    public static string Hostile(string name) => TestPaths.Fixtures("PyTorch", "hostile", name);
}
