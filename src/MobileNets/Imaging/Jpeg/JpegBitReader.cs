namespace MobileNets.Imaging.Jpeg;

/// <summary>
/// Reads entropy-coded JPEG data: removes 0xFF00 stuffing, stops at markers and then supplies zero
/// bits as libjpeg's jdhuff.c fill_bit_buffer does. Running off the end of the input (no marker) is
/// tracked and reported as truncation once a decoded MCU actually used those missing bits.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private ulong _bits;   // right-aligned: the low _count bits are unread
    private int _count;
    private long _padBits;    // zero bits appended after the end of the input
    private long _markerBits; // zero bits appended because a marker ended the data
    private bool _atMarker;

    /// <summary>
    /// Set once a decoded MCU used bits beyond a marker: like libjpeg's insufficient_data flag, the
    /// remaining MCUs up to the next restart marker are then left untouched rather than decoded
    /// from zero bits (jdhuff.c / jdphuff.c decode_mcu).
    /// </summary>
    public bool Insufficient { get; private set; }

    public JpegBitReader(ReadOnlySpan<byte> data, int pos)
    {
        _data = data;
        _pos = pos;
    }

    private void Fill()
    {
        while (_count <= 56)
        {
            uint b = 0;
            if (_atMarker) _markerBits += 8;
            else if (_pos >= _data.Length) _padBits += 8;
            else
            {
                b = _data[_pos];
                if (b != 0xFF) _pos++;
                else
                {
                    int q = _pos + 1;
                    while (q < _data.Length && _data[q] == 0xFF) q++;
                    if (q >= _data.Length) { _pos = _data.Length; _padBits += 8; b = 0; }
                    else if (_data[q] == 0) _pos = q + 1; // stuffed 0xFF data byte
                    else { _atMarker = true; _markerBits += 8; b = 0; } // _pos stays on the marker
                }
            }
            _bits = (_bits << 8) | b;
            _count += 8;
        }
    }

    public int Decode(HuffmanTable t)
    {
        if (_count < 16) Fill();
        int look = (int)(_bits >> (_count - HuffmanTable.LookaheadBits)) & ((1 << HuffmanTable.LookaheadBits) - 1);
        int e = t.Fast[look];
        if (e != 0)
        {
            _count -= e >> 8;
            return e & 0xFF;
        }
        for (int len = HuffmanTable.LookaheadBits + 1; len <= 16; len++)
        {
            int code = (int)(_bits >> (_count - len)) & ((1 << len) - 1);
            if (code <= t.MaxCode[len])
            {
                _count -= len;
                int index = code + t.ValOffset[len];
                if ((uint)index >= (uint)t.Values.Length) break;
                return t.Values[index];
            }
        }
        throw new ImageFormatException("JPEG: corrupt entropy-coded data (invalid Huffman code)");
    }

    /// <summary>Reads <paramref name="s"/> (0..16) raw bits.</summary>
    public int Receive(int s)
    {
        if (_count < s) Fill();
        _count -= s;
        return (int)(_bits >> _count) & ((1 << s) - 1);
    }

    /// <summary>Reads an s-bit magnitude and sign-extends it (T.81 F.2.2.1 EXTEND).</summary>
    public int ReceiveExtend(int s)
    {
        int v = Receive(s);
        return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
    }

    public int Bit()
    {
        if (_count < 1) Fill();
        _count--;
        return (int)(_bits >> _count) & 1;
    }

    /// <summary>Throws once decoding has consumed bits that lie beyond the end of the input.</summary>
    public void CheckTruncation()
    {
        if (_padBits > _count) throw new ImageFormatException("JPEG: image data is truncated");
        if (_markerBits > _count) Insufficient = true;
    }

    /// <summary>
    /// Handles a restart interval boundary: drops the partial byte, skips to the next marker and
    /// consumes it when it is RST0-7. Any other marker is left in place (decoding continues on zeros).
    /// </summary>
    public void Restart()
    {
        _bits = 0;
        _count = 0;
        _markerBits = 0;
        _pos = JpegMarkers.FindMarker(_data, _pos);
        _atMarker = true;
        if (_pos < _data.Length)
        {
            int q = _pos;
            while (q < _data.Length && _data[q] == 0xFF) q++;
            if (q < _data.Length && _data[q] is >= 0xD0 and <= 0xD7)
            {
                _pos = q + 1;
                _atMarker = false;
                Insufficient = false; // libjpeg jdhuff.c process_restart: data resumes after RSTn
            }
        }
    }

    /// <summary>Offset of the marker that ends the scan.</summary>
    public readonly int EndOfScan() => _atMarker ? _pos : JpegMarkers.FindMarker(_data, _pos);
}
