namespace MobileNets.Imaging.Jpeg;

/// <summary>One image component (Y, Cb, Cr, gray, C, M, Y, K) of a JPEG frame and its decoded coefficients.</summary>
internal sealed class JpegComponent
{
    public required int Id { get; init; }
    public required int H { get; init; }
    public required int V { get; init; }
    public required int QuantTableId { get; init; }

    /// <summary>Blocks that hold image samples (libjpeg width_in_blocks / height_in_blocks).</summary>
    public int BlocksPerLine, BlocksPerColumn;
    /// <summary>Allocated blocks, padded to whole MCUs: interleaved scans also code the padding blocks.</summary>
    public int BlocksStride, BlocksRows;
    /// <summary>Component size before upsampling (libjpeg downsampled_width / downsampled_height).</summary>
    public int DownsampledWidth, DownsampledHeight;

    /// <summary>Quantized DCT coefficients, 64 per block in natural (row-major) order.</summary>
    public short[] Coefficients = [];
    /// <summary>The quantization table latched when the component's first scan starts (libjpeg jdcoefct.c latch_quant_tables).</summary>
    public ushort[]? Quant;

    // Per-scan state.
    public int DcPred;
    public HuffmanTable? DcTable, AcTable;

    public Span<short> Block(int bx, int by) => Coefficients.AsSpan((by * BlocksStride + bx) * 64, 64);
}

/// <summary>The SOF header of a JPEG image plus the derived MCU geometry.</summary>
internal sealed class JpegFrame
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required bool Progressive { get; init; }
    public required JpegComponent[] Components { get; init; }
    public int HMax, VMax, McusX, McusY;

    /// <summary>Computes block geometry exactly as libjpeg's jdinput.c initial_setup / per_scan_setup.</summary>
    public void ComputeGeometry()
    {
        HMax = Components.Max(c => c.H);
        VMax = Components.Max(c => c.V);
        McusX = DivCeil(Width, 8 * HMax);
        McusY = DivCeil(Height, 8 * VMax);
        foreach (var c in Components)
        {
            c.BlocksPerLine = DivCeil((long)Width * c.H, 8L * HMax);
            c.BlocksPerColumn = DivCeil((long)Height * c.V, 8L * VMax);
            c.DownsampledWidth = DivCeil((long)Width * c.H, HMax);
            c.DownsampledHeight = DivCeil((long)Height * c.V, VMax);
            c.BlocksStride = McusX * c.H;
            c.BlocksRows = McusY * c.V;
        }
    }

    private static int DivCeil(long a, long b) => (int)((a + b - 1) / b);
}
