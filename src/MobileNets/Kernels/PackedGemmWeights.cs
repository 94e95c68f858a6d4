namespace MobileNets.Kernels;

/// <summary>
/// The right-hand matrix of a GEMM (a convolution's weights, K inputs x N outputs) packed once at
/// load into panels of <see cref="PanelWidth"/> output columns, K rows each, zero-padded, so the
/// micro-kernel reads each panel row as two aligned-in-sequence vectors. Bias is padded alike.
/// </summary>
internal sealed class PackedGemmWeights
{
    public int K { get; }
    public int N { get; }
    public SimdWidth Width { get; }
    public int PanelWidth { get; }
    public int Panels => (N + PanelWidth - 1) / PanelWidth;
    public float[] Data { get; }
    public float[] Bias { get; }

    /// <param name="weightsNK">Row-major N x K (PyTorch's out x in order).</param>
    /// <param name="bias">N values, or empty for zero bias.</param>
    public PackedGemmWeights(ReadOnlySpan<float> weightsNK, int n, int k, ReadOnlySpan<float> bias, SimdWidth width)
    {
        if (weightsNK.Length != n * k) throw new ArgumentException("weights must hold n*k values");
        N = n; K = k; Width = width;
        // Two vectors per panel row: the micro-kernel keeps 2 accumulators per row.
        PanelWidth = width == SimdWidth.Scalar ? 8 : 2 * (int)width / 32;
        int panels = Panels;
        Data = new float[panels * k * PanelWidth];
        Bias = new float[panels * PanelWidth];
        for (int col = 0; col < n; col++)
        {
            int p = col / PanelWidth, j = col % PanelWidth;
            int baseIndex = p * k * PanelWidth + j;
            for (int kk = 0; kk < k; kk++) Data[baseIndex + kk * PanelWidth] = weightsNK[col * k + kk];
            if (!bias.IsEmpty) Bias[col] = bias[col];
        }
    }
}
