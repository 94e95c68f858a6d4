using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "profile")
{
    MobileNets.Benchmarks.LayerProfile.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 224, args.Length > 3 ? int.Parse(args[3]) : 1);
    return;
}
if (args.Length > 0 && args[0] == "soak") { Environment.Exit(MobileNets.Benchmarks.Soak.Run(args[1..])); }
if (args.Length > 1 && args[0] == "tflite") { MobileNets.Benchmarks.TfLiteTiming.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 50, args.Length > 3 ? int.Parse(args[3]) : 1); return; }
if (args.Length > 0 && args[0] == "softmax") { MobileNets.Benchmarks.SoftmaxProbe.Run(); return; }
if (args.Length > 4 && args[0] == "dw") { MobileNets.Benchmarks.DwProbe.Run(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4])); return; }
if (args.Length > 0 && args[0] == "pool") { MobileNets.Benchmarks.PoolProbe.Run(); return; }
if (args.Length > 0 && args[0] == "kernels") { MobileNets.Benchmarks.KernelProbe.Run(args.Length > 1 ? args[1] : "", args.Length > 2 ? int.Parse(args[2]) : 1); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
