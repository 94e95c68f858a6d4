namespace MobileNets.Architectures;

/// <summary>Which library's state-dict naming an architecture id uses.</summary>
internal enum WeightLibrary { Torchvision, Timm }

/// <summary>
/// A named architecture: its id as users know it, its default width, its default input size and
/// how to build it at any width and class count.
/// </summary>
internal sealed record ArchitectureInfo(
    string Id,
    WeightLibrary Library,
    double DefaultWidth,
    int DefaultInputSize,
    string ClassifierWeight,
    Func<double, int, NetworkSpec> Build);
