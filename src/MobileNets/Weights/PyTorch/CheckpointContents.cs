namespace MobileNets.Weights.PyTorch;

/// <summary>What a container format yields: the unpickled root object and every storage it placed.</summary>
internal sealed record CheckpointContents(object? Root, string Format);
