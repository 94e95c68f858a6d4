namespace MobileNets.Architectures;

/// <summary>
/// Re-roots the tensor names of layer specs. The core builds MobileNetV3 with the classifier's
/// names (<c>features.N...</c>); detection and segmentation models hold the same modules under other
/// paths (<c>backbone.N...</c>, <c>backbone.features.0.N...</c>), so the specs are renamed, not rebuilt.
/// </summary>
internal static class SpecRenaming
{
    public static ConvSpec Rename(ConvSpec c, Func<string, string> rename) =>
        c with { Name = rename(c.Name), Norm = c.Norm == null ? null : rename(c.Norm) };

    public static LayerSpec Rename(LayerSpec layer, Func<string, string> rename) => layer switch
    {
        ConvBlockSpec c => c with { Conv = Rename(c.Conv, rename) },
        InvertedResidualSpec ir => ir with
        {
            Expand = ir.Expand == null ? null : Rename(ir.Expand, rename),
            Depthwise = ir.Depthwise == null ? null : Rename(ir.Depthwise, rename),
            Se = ir.Se == null ? null : new SqueezeExciteSpec(Rename(ir.Se.Reduce, rename), Rename(ir.Se.Expand, rename)),
            Project = Rename(ir.Project, rename),
        },
        GlobalPoolSpec => layer,
        _ => throw new NotSupportedException($"layer {layer.GetType().Name} cannot be renamed"),
    };

    /// <summary>Replaces the leading <paramref name="from"/> of a name by <paramref name="to"/>.</summary>
    public static Func<string, string> Prefix(string from, string to) => name =>
        name.StartsWith(from, StringComparison.Ordinal) ? to + name[from.Length..]
            : throw new InvalidOperationException($"'{name}' does not start with '{from}'");
}
