using System.Diagnostics;
using System.Globalization;

namespace MobileNets.Hub;

/// <summary>
/// A one-line progress bar redrawn in place with carriage returns, for an interactive terminal only:
/// <see cref="ForStandardError"/> is null when stderr is redirected, so logs and pipes stay clean.
/// </summary>
internal sealed class TerminalProgressBar(TextWriter writer, string label) : IProgress<DownloadProgress>, IDisposable
{
    const int BarWidth = 30;
    readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    bool _drawn;

    public static TerminalProgressBar? ForStandardError(string label) =>
        Console.IsErrorRedirected ? null : new TerminalProgressBar(Console.Error, label);

    public void Report(DownloadProgress value)
    {
        bool done = value.TotalBytes is long t && value.BytesReceived >= t;
        if (_drawn && !done && _sinceDraw.ElapsedMilliseconds < 100) return;   // ~10 redraws a second
        _sinceDraw.Restart();
        _drawn = true;
        writer.Write('\r' + Format(value, label));
        writer.Flush();
    }

    internal static string Format(DownloadProgress value, string label)
    {
        var inv = CultureInfo.InvariantCulture;
        string received = (value.BytesReceived / 1048576.0).ToString("0.0", inv);
        if (value.TotalBytes is not long total || total <= 0) return $"{label} {received} MB";
        double fraction = Math.Clamp(value.BytesReceived / (double)total, 0, 1);
        int filled = (int)(fraction * BarWidth);
        return $"{label} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {(fraction * 100).ToString("0", inv),3}% {received}/{(total / 1048576.0).ToString("0.0", inv)} MB";
    }

    /// <summary>Ends the bar's line so what follows starts on a fresh one.</summary>
    public void Dispose()
    {
        if (_drawn) writer.WriteLine();
    }
}
