namespace MobileNets.Kernels;

/// <summary>
/// The right-hand matrix of a GEMM (a convolution's weights, K inputs x N outputs) packed once at
/// load into panels of <see cref="PanelWidth"/> output columns, K rows each, zero-padded, so the
/// micro-kernel reads each panel row as two aligned-in-sequence vectors. Bias is padded alike.
/// Sliced packing (for the cache-blocked GEMM) orders the data depth slice by depth slice, each
/// slice panel by panel, so the blocked GEMM's walk over the weights is one sequential stream the
/// hardware prefetcher follows, rather than a jump to a cold panel every 32 KiB.
/// </summary>
internal sealed class PackedGemmWeights
{
    public int K { get; }
    public int N { get; }
    public SimdWidth Width { get; }
    public int PanelWidth { get; }
    public int Panels => (N + PanelWidth - 1) / PanelWidth;
    /// <summary>The packed panels (64-byte aligned: each panel row is whole vectors).</summary>
    public Span<float> Data => _data.Span;
    public float[] Bias { get; }
    readonly Tensors.AlignedBuffer _data;
    /// <summary>Rows of K per depth slice: <see cref="K"/> unless packed sliced.</summary>
    public int DepthSlice { get; }

    /// <summary>
    /// Bytes of a panel's depth slice (depth 1024 at 32 columns). Each slice boundary sends the partial
    /// sums through C and back, and on this machine's 1 MiB L2 that costs more than slices streaming
    /// from L2 instead of L1 do: 16 KiB slices (two panels in L1) ran the real layer shapes ~9% slower
    /// in total than 128 KiB (`kernels pw`, interleaved runs), 32 KiB ~3% slower, larger ones the same.
    /// </summary>
    public const int SliceBytes = 128 * 1024;

    /// <param name="weightsNK">Row-major N x K (PyTorch's out x in order).</param>
    /// <param name="bias">N values, or empty for zero bias.</param>
    /// <param name="sliced">Pack depth slice by depth slice for <see cref="Gemm"/>'s blocked path (1x1 convolutions).</param>
    public PackedGemmWeights(ReadOnlySpan<float> weightsNK, int n, int k, ReadOnlySpan<float> bias, SimdWidth width, bool sliced = false)
        : this(n, k, width, sliced)
    {
        if (weightsNK.Length != n * k) throw new ArgumentException("weights must hold n*k values");
        Fill(weightsNK, transposed: false, bias);
    }

    /// <summary>Empty panels for an N x K operand packed per call (attention's keys and values).</summary>
    public PackedGemmWeights(int n, int k, SimdWidth width, bool sliced = false)
    {
        N = n; K = k; Width = width;
        // Two vectors per panel row: the micro-kernel keeps 2 accumulators per row.
        PanelWidth = width == SimdWidth.Scalar ? 8 : 2 * (int)width / 32;
        DepthSlice = sliced ? SliceDepth(k, PanelWidth) : k;
        _data = new Tensors.AlignedBuffer(Panels * k * PanelWidth);
        Bias = new float[Panels * PanelWidth];
    }

    /// <summary>Depth per slice so a panel's slice fits <see cref="SliceBytes"/>, slices of equal size.</summary>
    public static int SliceDepth(int k, int panelWidth)
    {
        int slices = (int)((4L * k * panelWidth + SliceBytes - 1) / SliceBytes);
        return Math.Max(1, (k + slices - 1) / slices);
    }

    /// <summary>Panels holding <see cref="PanelWidth"/> real columns; a partial last panel is never sliced.</summary>
    int WholePanels => N / PanelWidth;

    /// <summary>
    /// Index in <see cref="Data"/> of panel <paramref name="panel"/>'s row <paramref name="k0"/>, which
    /// must be a slice start in a sliced whole panel (any row otherwise). Whole panels are sliced; a
    /// partial last panel follows them unsliced, because the GEMM runs it over its whole depth at once.
    /// </summary>
    public long Offset(int panel, int k0)
    {
        if (DepthSlice == K) return ((long)panel * K + k0) * PanelWidth;
        if (panel >= WholePanels) return ((long)WholePanels * K + k0) * PanelWidth;
        int start = k0 / DepthSlice * DepthSlice, length = Math.Min(DepthSlice, K - start);
        return ((long)start * WholePanels + (long)panel * length + (k0 - start)) * PanelWidth;
    }

    /// <summary>
    /// (Re)packs: <paramref name="source"/> is N x K row-major, or K x N when <paramref name="transposed"/>
    /// (then row kk holds the K-th input's N outputs, as attention's values do). Padding stays zero.
    /// </summary>
    public void Fill(ReadOnlySpan<float> source, bool transposed, ReadOnlySpan<float> bias = default)
    {
        var data = Data;
        if (source.Length != N * K) throw new ArgumentException("operand must hold n*k values");
        for (int col = 0; col < N; col++)
        {
            int p = col / PanelWidth, j = col % PanelWidth;
            for (int k0 = 0; k0 < K; k0 += DepthSlice)
            {
                long baseIndex = Offset(p, k0) + j;
                for (int kk = k0; kk < Math.Min(K, k0 + DepthSlice); kk++)
                    data[(int)(baseIndex + (kk - k0) * PanelWidth)] = transposed ? source[kk * N + col] : source[col * K + kk];
            }
            Bias[col] = bias.IsEmpty ? 0f : bias[col];
        }
    }
}
