using Moosermail.Functions.Hosting;

// One binary, two hosts: under `func start` or in Azure the Functions host starts this worker; anywhere
// else it serves the same functions itself (see Hosting/LocalHost.cs). `migrate` and other commands run and exit.
return await MoosermailProgram.RunAsync(args);
