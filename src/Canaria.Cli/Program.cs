using System.CommandLine;
using Canaria.Cli.Cluster;
using Canaria.Cli.Commands;
using Canaria.Cli.Demo;

var root = new RootCommand(
    "canaria: progressive delivery on one machine or on Kubernetes. Releases a new version to a small share of real " +
    "traffic, judges it against the stable version, then promotes it step by step or sends all traffic back.\n\n" +
    ClusterOptions.ModeHelp + "\n\n" +
    "Exit codes: 0 ok, 1 refused or failed (also: forbidden by RBAC), 2 invalid input, 3 no controller reachable " +
    "(local: no `canaria run`; cluster: no kubeconfig, API unreachable, or no controller applied the operation in time), " +
    "4 rollout not found.");
root.Options.Add(CommonOptions.StateDir);

// Plain text at most 100 columns wide when piped, NO_COLOR or TERM=dumb; styled and as wide as the terminal otherwise.
Canaria.Cli.Rendering.Terminal.Configure(Environment.GetEnvironmentVariable);
foreach (var command in ServerCommands.Create().Concat(ReadCommands.Create()).Concat(OperationCommands.Create()))
    root.Subcommands.Add(command);
foreach (var command in WorkloadCommands.Create()) root.Subcommands.Add(command);
root.Subcommands.Add(DashboardCommand.Create());
root.Subcommands.Add(Canaria.Cli.Load.LoadCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(KubernetesCommands.Create());

Canaria.Cli.Rendering.HelpLayout.Configure(root, Canaria.Cli.Rendering.Terminal.Width);

// Ctrl-C / SIGTERM cancel the running command; allow time for replicas to stop gracefully.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
