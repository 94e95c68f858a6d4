using MobileNets.Imaging;
using MobileNets.Quantized;
using MobileNets.Weights;

namespace MobileNets.Segmentation;

/// <summary>
/// A quantized TFLite segmentation model that ends in ARG_MAX (Mobile DeepLabv3 from TF's hosted
/// models): the whole image resized to the input size (bilinear) as uint8 RGB, the model's own class
/// map back at the caller's size by nearest neighbour.
/// </summary>
internal sealed class QuantizedSegmentation : IDisposable
{
    readonly TfLiteModel _model;
    readonly int _height, _width;

    QuantizedSegmentation(TfLiteModel model, string name)
    {
        _model = model;
        Name = name;
        var input = model.Inputs[0];
        var output = model.Outputs[0];
        if (input.Shape.Length != 4 || input.Shape[0] != 1 || input.Shape[3] != 3 || input.ElementType != TensorDType.U8)
            throw new ModelFormatException($"{name}: a TFLite segmenter takes one U8 [1,H,W,3] image, this model takes {TensorDTypes.Name(input.ElementType)} [{string.Join(",", input.Shape)}]");
        if (output.ElementType is not (TensorDType.I64 or TensorDType.I32) || output.Shape.Length != 3)
            throw new ModelFormatException($"{name}: expected an ARG_MAX class map [1,H,W] as output, got {TensorDTypes.Name(output.ElementType)} [{string.Join(",", output.Shape)}]");
        (_height, _width) = (input.Shape[1], input.Shape[2]);
    }

    public string Name { get; }

    /// <summary>PASCAL VOC's 21 classes: the published model's label set (its output is a class map, not scores).</summary>
    public int NumClasses => VocCategories.Names.Count;

    public static QuantizedSegmentation Load(string path, int threads = 1, ModelFileLimits? limits = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        var model = TfLiteModel.Load(path, threads, limits);
        try { return new QuantizedSegmentation(model, Path.GetFileNameWithoutExtension(path)); }
        catch { model.Dispose(); throw; }
    }

    public int[] ClassMap(RgbImage image)
    {
        var resized = ImageTransforms.Resize(image, _width, _height, ResizeInterpolation.Bilinear);
        var raw = _model.Run(resized.Pixels);
        bool wide = _model.Outputs[0].ElementType == TensorDType.I64;
        var map = new int[image.Width * image.Height];
        for (int y = 0; y < image.Height; y++)
        {
            int sy = Math.Min(_height - 1, (int)((y + 0.5) * _height / image.Height));
            for (int x = 0; x < image.Width; x++)
            {
                int sx = Math.Min(_width - 1, (int)((x + 0.5) * _width / image.Width));
                int at = sy * _width + sx;
                long c = wide ? BitConverter.ToInt64(raw, 8 * at) : BitConverter.ToInt32(raw, 4 * at);
                map[y * image.Width + x] = (int)Math.Clamp(c, 0, NumClasses - 1);
            }
        }
        return map;
    }

    public void Dispose() => _model.Dispose();
}
