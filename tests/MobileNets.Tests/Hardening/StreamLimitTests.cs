using MobileNets.Imaging;

namespace MobileNets.Tests.Hardening;

/// <summary>A stream is buffered before decoding: its size is bounded by ImageDecodeOptions.MaxBytes.</summary>
public class StreamLimitTests
{
    sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) { Array.Fill(buffer, (byte)0xFF, offset, count); return count; }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void EndlessStreamIsRefusedAtTheLimit()
    {
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(new EndlessStream(), new ImageDecodeOptions { MaxBytes = 1 << 20 }));
        Assert.Contains("MaxBytes", e.Message);
    }
}
