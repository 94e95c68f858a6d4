using MobileNets.Kernels.Quantized;
using MobileNets.Quantized.Operators;

namespace MobileNets.Tests.TfLite;

/// <summary>The patch gather (contiguous-run and per-tap copies) against a plain per-byte definition.</summary>
public class Im2ColTests
{
    [Theory]
    // channels, height, width, kernel, stride, dilation, pad, first row, rows
    [InlineData(3, 9, 10, 3, 2, 1, 1, 0, 25)]
    [InlineData(3, 7, 7, 3, 1, 1, 1, 5, 30)]
    [InlineData(1, 6, 11, 5, 1, 1, 2, 0, 66)]
    [InlineData(20, 5, 6, 3, 1, 1, 0, 0, 12)]
    [InlineData(5, 8, 9, 3, 2, 2, 2, 3, 17)]
    [InlineData(2, 4, 4, 2, 2, 1, 0, 0, 4)]
    public void GatherMatchesDefinition(int channels, int height, int width, int kernel, int stride, int dilation, int pad, int first, int rows)
    {
        int effective = (kernel - 1) * dilation + 1;
        int oh = (height + 2 * pad - effective) / stride + 1, ow = (width + 2 * pad - effective) / stride + 1;
        rows = Math.Min(rows, oh * ow - first);
        var geo = new ConvolutionGeometry(height, width, oh, ow, kernel, kernel, stride, stride, dilation, dilation, pad, pad);
        var rng = new Random(channels * 100 + kernel);
        // No slack past the input or the patches: the 16-byte copies must stay inside both.
        var input = new byte[height * width * channels];
        rng.NextBytes(input);
        int rowBytes = (kernel * kernel * channels + 3) / 4 * 4 + 4;
        const byte pad0 = 77;
        var expected = new byte[rows * rowBytes];
        for (int r = 0; r < rows; r++)
        {
            int oy = (first + r) / ow, ox = (first + r) % ow, i = r * rowBytes;
            for (int ky = 0; ky < kernel; ky++)
                for (int kx = 0; kx < kernel; kx++)
                    for (int c = 0; c < channels; c++)
                    {
                        int iy = oy * stride - pad + ky * dilation, ix = ox * stride - pad + kx * dilation;
                        expected[i++] = iy >= 0 && iy < height && ix >= 0 && ix < width ? input[(iy * width + ix) * channels + c] : pad0;
                    }
        }
        var actual = new byte[rows * rowBytes];
        rng.NextBytes(actual);
        Im2Col.Gather(input, geo, channels, pad0, first, rows, actual, rowBytes);
        Assert.Equal(expected, actual);
    }
}
