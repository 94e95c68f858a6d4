using MobileNets.Imaging;
using MobileNets.Tests.Models;

namespace MobileNets.Tests.Hardening;

/// <summary>A tiny real model and small synthetic images, so the stress tests run in seconds.</summary>
public static class HardeningFixtures
{
    /// <summary>timm mobilenetv1_125 at width 0.075, 7 classes, 127 KB of F32 weights.</summary>
    public static string ModelPath => Path.Combine(ClassifierFixtures.Folder, "mobilenetv1_125.safetensors");

    /// <summary>Resize to 40, crop 32 x 32: a forward pass of well under a millisecond.</summary>
    public static EvalTransform Small => new(40, 32, 32, ResizeInterpolation.Bilinear, EvalTransform.ImageNetMean, EvalTransform.ImageNetStd);

    public static ImageClassifier Load(int threads) =>
        ImageClassifier.Load(ModelPath, options: new ClassifierOptions { Threads = threads, Transform = Small });

    /// <summary>Gradients plus seeded noise, so different seeds give different predictions.</summary>
    public static RgbImage Synthetic(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var img = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                img.Pixels[i] = (byte)((x * 255 / width + seed * 37) & 0xFF);
                img.Pixels[i + 1] = (byte)(y * 255 / height);
                img.Pixels[i + 2] = (byte)rng.Next(256);
            }
        return img;
    }
}
