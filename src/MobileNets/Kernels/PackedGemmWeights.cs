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
        : this(n, k, width)
    {
        if (weightsNK.Length != n * k) throw new ArgumentException("weights must hold n*k values");
        Fill(weightsNK, transposed: false, bias);
    }

    /// <summary>Empty panels for an N x K operand packed per call (attention's keys and values).</summary>
    public PackedGemmWeights(int n, int k, SimdWidth width)
    {
        N = n; K = k; Width = width;
        // Two vectors per panel row: the micro-kernel keeps 2 accumulators per row.
        PanelWidth = width == SimdWidth.Scalar ? 8 : 2 * (int)width / 32;
        Data = new float[Panels * k * PanelWidth];
        Bias = new float[Panels * PanelWidth];
    }

    /// <summary>
    /// (Re)packs: <paramref name="source"/> is N x K row-major, or K x N when <paramref name="transposed"/>
    /// (then row kk holds the K-th input's N outputs, as attention's values do). Padding stays zero.
    /// </summary>
    public void Fill(ReadOnlySpan<float> source, bool transposed, ReadOnlySpan<float> bias = default)
    {
        if (source.Length != N * K) throw new ArgumentException("operand must hold n*k values");
        for (int col = 0; col < N; col++)
        {
            int p = col / PanelWidth, j = col % PanelWidth;
            int baseIndex = p * K * PanelWidth + j;
            if (transposed)
                for (int kk = 0; kk < K; kk++) Data[baseIndex + kk * PanelWidth] = source[kk * N + col];
            else
                for (int kk = 0; kk < K; kk++) Data[baseIndex + kk * PanelWidth] = source[col * K + kk];
            Bias[col] = bias.IsEmpty ? 0f : bias[col];
        }
    }
}
