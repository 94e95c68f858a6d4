namespace MobileNets.Hub;

/// <summary>How far a download has come.</summary>
/// <param name="BytesReceived">Bytes in the local file so far, including any resumed part.</param>
/// <param name="TotalBytes">The file's full length when the server or the catalog says it, else null.</param>
public readonly record struct DownloadProgress(long BytesReceived, long? TotalBytes);
