return MobileNets.Cli.CommandLine.Run(args);
