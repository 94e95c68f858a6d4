using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace MobileNets.Hub;

/// <summary>
/// Fetches a catalog entry into the cache: into <c>FILE.partial</c> beside the final path (opened
/// exclusively, so two processes cannot interleave), resuming an interrupted download with an HTTP
/// Range request (or restarting cleanly when the server will not resume), verifying size and
/// SHA-256, and only then renaming it into place, so the final path only ever holds a verified file.
/// An entry without a pinned SHA-256 is trusted on first use (<see cref="RecordedHash"/>): its first
/// download's hash is recorded beside it and later downloads must match.
/// A failed verification deletes the partial file; an interruption or cancellation keeps it for resuming.
/// </summary>
internal static class HubDownloader
{
    /// <summary>No byte for this long means the connection is dead.</summary>
    static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    static readonly Lazy<HttpClient> SharedClient = new(() => CreateClient(useProxy: true));

    /// <summary>Redirects followed (Hugging Face and GitHub redirect to their CDNs); no overall timeout, a stall timeout instead.</summary>
    internal static HttpClient CreateClient(bool useProxy)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = useProxy,
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mobilenets", typeof(HubDownloader).Assembly.GetName().Version?.ToString(3) ?? "0"));
        return client;
    }

    public static async Task<string> DownloadAsync(ModelHubEntry entry, string cacheDirectory, bool force,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken, HttpClient? client = null)
    {
        string final = CacheLocation.FileOf(entry, cacheDirectory);
        if (!force && File.Exists(final)) return final;
        string partial = CacheLocation.PartialOf(final);
        FileStream file;
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelDownloadException($"cannot write '{partial}': {FirstLine(e.Message)} (is another download of {entry.Name} running?)", e);
        }

        string? digest, mismatch;
        await using (file.ConfigureAwait(false))
        {
            if (force) file.SetLength(0);
            await TransferAsync(entry, final, file, client ?? SharedClient.Value, progress, cancellationToken).ConfigureAwait(false);
            (digest, mismatch) = await FileVerifier.CheckAsync(file, entry, cancellationToken).ConfigureAwait(false);
        }
        if (mismatch == null && !entry.IsHashPinned) mismatch = RecordedHash.Mismatch(final, digest!);
        if (mismatch != null)
        {
            File.Delete(partial);
            throw new ModelDownloadException($"{entry.Name}: the file downloaded from {entry.Url} failed verification ({mismatch}); it was deleted");
        }
        File.Move(partial, final, overwrite: true);
        if (!entry.IsHashPinned) RecordedHash.RecordIfAbsent(final, digest!);
        return final;
    }

    static async Task TransferAsync(ModelHubEntry entry, string final, FileStream file, HttpClient client,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long have = file.Length;
        if (entry.Size is long size && have > size) { file.SetLength(0); have = 0; }

        // At most one retry: after a refused or ignored Range the download restarts from zero.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, entry.Url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(entry, final, FirstLine(e.Message), e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unreachable(entry, final, "the connection timed out", e);
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
                {
                    file.SetLength(0); have = 0;   // the partial file is stale (or the file changed): start over
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw Unreachable(entry, final, $"HTTP {(int)response.StatusCode} ({response.ReasonPhrase})", null);

                long? total;
                if (response.StatusCode == HttpStatusCode.PartialContent)
                {
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From != have) { file.SetLength(0); have = 0; continue; }
                    total = range.Length;
                }
                else
                {
                    file.SetLength(0); have = 0;   // 200: the server sends the whole file from the start
                    total = response.Content.Headers.ContentLength;
                }
                total ??= entry.Size;
                if (entry.Size is long expected && total is long announced && announced != expected)
                {
                    file.SetLength(0);
                    throw new ModelDownloadException($"{entry.Name}: {entry.Url} serves {announced} bytes but the catalog pins {expected}; nothing was kept");
                }

                file.Position = have;
                progress?.Report(new DownloadProgress(have, total));
                await CopyBodyAsync(entry, final, response, file, have, total, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        throw Unreachable(entry, final, "the server would not resume or restart the transfer", null);
    }

    static async Task CopyBodyAsync(ModelHubEntry entry, string final, HttpResponseMessage response, FileStream file,
        long have, long? total, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                stall.CancelAfter(StallTimeout);
                int n;
                try
                {
                    n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Interrupted(entry, final, have, total, $"no data for {StallTimeout.TotalSeconds:0} s", e);
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw Interrupted(entry, final, have, total, FirstLine(e.Message), e);
                }
                if (n == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                have += n;
                progress?.Report(new DownloadProgress(have, total));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        if (total is long expected && have != expected)
            throw Interrupted(entry, final, have, total, "the response ended early", null);
    }

    static ModelDownloadException Unreachable(ModelHubEntry entry, string final, string reason, Exception? inner)
    {
        string message = $"cannot download {entry.Name} from {entry.Url}: {reason}; to install it by hand, download that URL and save it as {final}";
        return inner == null ? new ModelDownloadException(message) : new ModelDownloadException(message, inner);
    }

    static ModelDownloadException Interrupted(ModelHubEntry entry, string final, long have, long? total, string reason, Exception? inner)
    {
        string message = $"download of {entry.Name} from {entry.Url} was interrupted after {have}{(total is long t ? $" of {t}" : "")} bytes ({reason}); run again to resume, or save that URL as {final}";
        return inner == null ? new ModelDownloadException(message) : new ModelDownloadException(message, inner);
    }

    static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
