using System.Collections.Concurrent;
using MobileNets.Imaging;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// One <see cref="ImageClassifier"/> shared by 8 threads, 200 calls each, single images and
/// batches interleaved, gives bit-for-bit what sequential calls give, for 1 and 2 threads per inference.
/// </summary>
public class ConcurrencyTests
{
    const int Callers = 8, CallsPerCaller = 200, Images = 16;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SharedClassifierMatchesSequentialCalls(int threadsPerInference)
    {
        using var classifier = HardeningFixtures.Load(threadsPerInference);
        var images = Enumerable.Range(0, Images).Select(i => HardeningFixtures.Synthetic(24 + 3 * i, 56 - 2 * i, i)).ToArray();
        int top = classifier.NumClasses;   // every class: the whole ranking and every probability are compared
        var expected = images.Select(img => classifier.Classify(img, top)).ToArray();
        // The fixture must tell the images apart, or a mix-up between callers could go unnoticed.
        Assert.True(expected.Select(p => p[0].Probability).Distinct().Count() > Images / 2);

        var mismatches = new ConcurrentQueue<string>();
        using var start = new Barrier(Callers);
        var callers = Enumerable.Range(0, Callers).Select(c => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < CallsPerCaller; i++)
            {
                int a = (c * 7 + i) % Images, b = (c * 3 + 5 * i + 1) % Images;
                if (i % 4 == 3)
                {
                    var batch = classifier.ClassifyBatch(new RgbImage[] { images[a], images[b] }, top);
                    Compare(expected[a], batch[0], $"caller {c} call {i} batch[0]");
                    Compare(expected[b], batch[1], $"caller {c} call {i} batch[1]");
                }
                else Compare(expected[a], classifier.Classify(images[a], top), $"caller {c} call {i}");
            }
        })).ToList();
        callers.ForEach(t => t.Start());
        callers.ForEach(t => t.Join());
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} mismatches, first: {mismatches.FirstOrDefault()}");

        void Compare(IReadOnlyList<Prediction> want, IReadOnlyList<Prediction> got, string where)
        {
            // Exact: the same network on the same input must give the same bits whatever else runs.
            if (!want.Select(p => (p.Index, p.Probability)).SequenceEqual(got.Select(p => (p.Index, p.Probability))))
                mismatches.Enqueue($"{where}: [{string.Join(", ", got)}] instead of [{string.Join(", ", want)}]");
        }
    }
}
