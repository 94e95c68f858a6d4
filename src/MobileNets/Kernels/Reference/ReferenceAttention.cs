namespace MobileNets.Kernels.Reference;

/// <summary>
/// The scalar twin of <see cref="MultiQueryAttention"/>: the same contract computed naively in
/// double, softmax shifted by the row maximum as torch does.
/// </summary>
internal static class ReferenceAttention
{
    public static float[] Run(float[] q, int rows, int keyDim, float[] k, float[] v, int keys, int valueDim, float scale)
    {
        var o = new float[rows * valueDim];
        var p = new double[keys];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int m = 0; m < keys; m++)
            {
                double dot = 0;
                for (int d = 0; d < keyDim; d++) dot += (double)q[r * keyDim + d] * k[m * keyDim + d];
                p[m] = dot * scale;
                max = Math.Max(max, p[m]);
            }
            double sum = 0;
            for (int m = 0; m < keys; m++) { p[m] = Math.Exp(p[m] - max); sum += p[m]; }
            for (int d = 0; d < valueDim; d++)
            {
                double acc = 0;
                for (int m = 0; m < keys; m++) acc += p[m] / sum * v[m * valueDim + d];
                o[r * valueDim + d] = (float)acc;
            }
        }
        return o;
    }
}
