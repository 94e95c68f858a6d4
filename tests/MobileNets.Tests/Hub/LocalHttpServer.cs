using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MobileNets.Tests.Hub;

/// <summary>A request as the test server saw it.</summary>
public sealed record HttpRequestInfo(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Range => Headers.GetValueOrDefault("Range");
}

/// <summary>
/// What the test server answers. <paramref name="DeclaredLength"/> overrides Content-Length (larger
/// than the body: a truncated response); <paramref name="HangAfter"/> sends that many body bytes and
/// then holds the connection open until the server is disposed.
/// </summary>
public sealed record HttpReply(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null, long? DeclaredLength = null, int? HangAfter = null)
{
    public static HttpReply NotFound() => new(404, "not found"u8.ToArray());

    /// <summary>The file, honouring "Range: bytes=N-" with 206 as a CDN does.</summary>
    public static HttpReply File(byte[] content, HttpRequestInfo request)
    {
        if (request.Range is string range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            long from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (from >= content.Length)
                return new HttpReply(416, [], new Dictionary<string, string> { ["Content-Range"] = $"bytes */{content.Length}" });
            return new HttpReply(206, content[(int)from..],
                new Dictionary<string, string> { ["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}", ["Accept-Ranges"] = "bytes" });
        }
        return new HttpReply(200, content, new Dictionary<string, string> { ["Accept-Ranges"] = "bytes" });
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (raw sockets, one request per connection) so that tests
/// can serve truncated, corrupt, hanging and ranged responses without the internet.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Func<HttpRequestInfo, int, HttpReply> _handler;
    readonly Task _acceptLoop;
    int _count;

    public ConcurrentQueue<HttpRequestInfo> Requests { get; } = new();

    /// <param name="handler">Answers the n-th request (0-based).</param>
    public LocalHttpServer(Func<HttpRequestInfo, int, HttpReply> handler)
    {
        _handler = handler;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

    async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = ServeAsync(client);
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request == null) return;
                Requests.Enqueue(request);
                var reply = _handler(request, Interlocked.Increment(ref _count) - 1);
                var head = new StringBuilder($"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\n");
                foreach (var (k, v) in reply.Headers ?? new Dictionary<string, string>()) head.Append($"{k}: {v}\r\n");
                head.Append($"Content-Length: {reply.DeclaredLength ?? reply.Body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                int send = Math.Min(reply.HangAfter ?? reply.Body.Length, reply.Body.Length);
                await stream.WriteAsync(reply.Body.AsMemory(0, send), _stop.Token);
                await stream.FlushAsync(_stop.Token);
                if (reply.HangAfter != null) await Task.Delay(Timeout.Infinite, _stop.Token);
            }
            catch (Exception) { /* the client went away or the server stopped */ }
        }
    }

    async Task<HttpRequestInfo?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 16384)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0) return null;
            buffer.Add(one[0]);
            int n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new HttpRequestInfo(parts[0], parts[1], headers);
    }

    static string Reason(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 404 => "Not Found", 416 => "Range Not Satisfiable", _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _acceptLoop; } catch (Exception) { }
        _stop.Dispose();
    }
}
