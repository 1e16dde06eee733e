return await Canaria.SampleApp.SampleServer.RunAsync(args, CancellationToken.None);
