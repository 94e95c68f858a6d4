using System.Buffers.Binary;
using MobileNets.Weights;

namespace MobileNets.Tests.Hardening;

/// <summary>
/// Finite but huge weights can still overflow a logit. Classify then follows the softmax's IEEE
/// arithmetic, documented in docs/security.md: a +infinity (or NaN) logit makes every probability
/// of that image NaN, listed in class-index order; a -infinity logit just gets probability 0.
/// </summary>
public class NonFiniteLogitTests
{
    /// <summary>
    /// The last BatchNorm's shift set to 1e6 saturates all 80 features at ReLU6's 6, so a classifier
    /// row of <paramref name="rowValue"/> gives that class a logit of 480 x rowValue: infinite for 1e37.
    /// </summary>
    static string Overflowing(int row, float rowValue)
    {
        var bytes = File.ReadAllBytes(HardeningFixtures.ModelPath);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using (var file = SafeTensorsFile.Open(new MemoryStream(bytes), "fixture"))
        {
            void Fill(string tensor, int from, int count, float value)
            {
                var t = file.Get(tensor);
                for (int i = from; i < from + count; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(dataStart + t.Begin + 4 * i)), value);
            }
            Fill("blocks.4.1.bn2.bias", 0, 80, 1e6f);
            Fill("classifier.weight", row * 80, 80, rowValue);
        }
        string path = TestPaths.TempFile("overflowing.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void APositiveInfiniteLogitGivesNaNProbabilitiesInIndexOrder()
    {
        using var classifier = ImageClassifier.Load(Overflowing(row: 3, 1e37f), options: new ClassifierOptions { Threads = 1, Transform = HardeningFixtures.Small });
        var image = HardeningFixtures.Synthetic(40, 40, 5);
        var predictions = classifier.Classify(image, top: 7);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], predictions.Select(p => p.Index));
        Assert.All(predictions, p => Assert.True(float.IsNaN(p.Probability)));
        // The same again, alone and inside a batch.
        Assert.Equal(predictions, classifier.Classify(image, top: 7));
        Assert.Equal(predictions, classifier.ClassifyBatch([HardeningFixtures.Synthetic(9, 9, 1), image], 7, TestContext.Current.CancellationToken)[1]);
    }

    [Fact]
    public void ANegativeInfiniteLogitGetsProbabilityZero()
    {
        using var classifier = ImageClassifier.Load(Overflowing(row: 5, -1e37f), options: new ClassifierOptions { Threads = 1, Transform = HardeningFixtures.Small });
        var predictions = classifier.Classify(HardeningFixtures.Synthetic(40, 40, 5), top: 7);
        Assert.Equal(5, predictions[^1].Index);
        Assert.Equal(0f, predictions[^1].Probability);
        Assert.All(predictions, p => Assert.True(float.IsFinite(p.Probability)));
        Assert.Equal(1.0, predictions.Sum(p => (double)p.Probability), 5);
    }
}
