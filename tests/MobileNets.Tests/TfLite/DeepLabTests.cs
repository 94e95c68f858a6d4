using System.Buffers.Binary;
using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Tests.TfLite;

/// <summary>
/// Mobile DeepLab v3 (uint8, 513x513, ending in ARG_MAX with an INT64 class map) on
/// bird_segmentation.bmp, against TensorFlow Lite's own results (Fixtures/TfLite/deeplab_bird.safetensors,
/// made by tools/reference/tflite_fixtures.py) and the PASCAL VOC mask in shared data.
/// </summary>
public class DeepLabTests
{
    static readonly Lazy<(TfLiteModel Model, byte[] Image)> Setup = new(() =>
        (TfLiteModel.Load(TfLiteTestData.Shared("tflite/deeplabv3_mnv2_pascal_quant.tflite")),
         TfLiteTestData.ReadBmp(TfLiteTestData.Shared("images/bird_segmentation.bmp"), out _, out _)));

    static double Agreement(int equal, int pixels) => equal / (2.0 * pixels - equal);

    [Fact]
    public void ClassMapAndLogitsMatchTfLite()
    {
        TfLiteTestData.Shared("tflite/deeplabv3_mnv2_pascal_quant.tflite");
        var (model, image) = Setup.Value;
        using var fixture = SafeTensorsFile.Open(TfLiteTestData.Fixture("deeplab_bird.safetensors"));
        var expectedClasses = fixture.ReadBytes(fixture.Get("classes"));
        var expectedLogits = fixture.ReadBytes(fixture.Get("logits33"));
        string logitsTensor = fixture.Metadata["logits33_tensor"];

        var outputs = model.RunAndCapture([image], model.Outputs[0].Name, logitsTensor);
        var classes = outputs[0];
        Assert.Equal(TensorDType.I64, model.Outputs[0].ElementType);
        Assert.Equal(expectedClasses.Length * 8, classes.Length);
        int equal = 0;
        for (int i = 0; i < expectedClasses.Length; i++)
            if (BinaryPrimitives.ReadInt64LittleEndian(classes.AsSpan(8 * i)) == expectedClasses[i]) equal++;
        Assert.True(Agreement(equal, expectedClasses.Length) > 0.9, $"agreement with TFLite {Agreement(equal, expectedClasses.Length)}");
        Assert.Equal(expectedClasses.Length, equal);
        Assert.Equal(expectedLogits, outputs[1]);
    }

    [Fact]
    public void ClassMapAgreesWithPascalVocMask()
    {
        var maskPath = TfLiteTestData.Shared("images/bird_segmentation_mask.bmp");
        var (model, image) = Setup.Value;
        var mask = TfLiteTestData.ReadBmp(maskPath, out int w, out int h);
        var classes = model.Run(image);
        int equal = 0, birds = 0;
        for (int i = 0; i < w * h; i++)
        {
            long c = BinaryPrimitives.ReadInt64LittleEndian(classes.AsSpan(8 * i));
            if (c == mask[i]) equal++;
            if (c == 3) birds++;
        }
        Assert.True(Agreement(equal, w * h) > 0.9, $"agreement with the mask {Agreement(equal, w * h)}");
        Assert.True(birds > w * h / 10, "the bird (class 3) covers a good part of the image");
    }
}
