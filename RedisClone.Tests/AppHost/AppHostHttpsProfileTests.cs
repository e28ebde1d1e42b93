using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// `dotnet run --project RedisClone.AppHost --launch-profile https` on a machine with a trusted developer
/// certificate: the dashboard answers over https with that certificate, reaches the AppHost (the node rows come in
/// Running) and receives the nodes' telemetry over https (a PUBLISH shows on the traces page). The certificate is
/// made for the test in a HOME of its own (`dotnet dev-certs https --trust`; OpenSSL trusts it through SSL_CERT_DIR),
/// so the machine's own user profile never gets one: an untrusted certificate there breaks every AppHost run.
/// </summary>
[Collection(HttpsProfileCollection.Name)]
public sealed partial class AppHostHttpsProfileTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    [RequiresChromiumFact(Timeout = 420_000)]
    public async Task The_https_profile_serves_the_dashboard_over_https_with_a_trusted_developer_certificate()
    {
        JsonObject https = HttpsProfile();
        var home = Directory.CreateTempSubdirectory("redisclone-https-home-");
        try
        {
            Dictionary<string, string> environment = IsolatedEnvironment(home.FullName);
            await DevCerts(environment, "https", "--trust");
            (int checkExit, string checkOutput) = await DevCerts(environment, "https", "--check", "--trust");
            Assert.True(checkExit == 0, $"dotnet dev-certs https --check --trust in the test's HOME:\n{checkOutput}");
            string pem = Directory.GetFiles(Path.Combine(home.FullName, ".aspnet", "dev-certs", "trust"), "*.pem").Single();
            string pemText = File.ReadAllText(pem);
            System.Security.Cryptography.PemFields fields = System.Security.Cryptography.PemEncoding.Find(pemText);
            using X509Certificate2 developerCertificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pemText[fields.Base64Data]));

            // The profile's addresses, schemes kept and ports picked for this run (its fixed ports may be taken on a
            // shared machine by an AppHost someone started).
            int basePort = FreeRespBasePort();
            await using var appHost = AppHostRun.Start(environment,
                "--no-build", "--configuration", Configuration, "--project", AppHostProject, "--launch-profile", "https", "--",
                "--sample", "false", "--base-port", basePort.ToString(CultureInfo.InvariantCulture),
                $"--ASPNETCORE_URLS={WithFreePorts((string)https["applicationUrl"]!)}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={WithFreePorts(ProfileVariable(https, "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"))}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL={WithFreePorts(ProfileVariable(https, "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"))}");
            Uri login = await appHost.WaitForLoginUrl(StartDeadline);
            Assert.Equal("https", login.Scheme);
            Assert.DoesNotContain("No trusted Aspire development certificate", appHost.Output);

            // The certificate the dashboard answers with is the developer certificate.
            X509Certificate2? served = null;
            using (var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                {
                    served = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.RawData);
                    return true;
                },
            })
            using (var http = new HttpClient(handler))
            using (HttpResponseMessage response = await http.GetAsync(login))
            {
                Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
            }
            Assert.NotNull(served);
            Assert.Equal(developerCertificate.Thumbprint, served.Thumbprint);
            served.Dispose();

            var resp = Nodes.Select((node, i) => (Node: node, Port: basePort + i)).ToList();
            foreach ((string node, int port) in resp)
            {
                await ClusterFixture.WaitUntil(() => Ping(port), $"{node} answering PING on {port}", seconds: (int)StartDeadline.TotalSeconds);
            }
            var pids = resp.Select(n => ProcessId(n.Port)).ToList();

            await using (HeadlessChromium browser = await HeadlessChromium.StartAsync(TimeSpan.FromSeconds(30), acceptAnyCertificate: true))
            {
                await browser.NavigateAsync(login);
                await browser.WaitUntilAsync(DashboardPage.AllRunning(Nodes), "node1, node2 and node3 Running over https", 120);
                Assert.DoesNotContain("Lost connection to the AppHost", await browser.TextAsync());

                // The nodes export to the dashboard's https OTLP endpoint: a PUBLISH reaches the traces page.
                using (RawClient subscriber = RawClient.Connect(basePort + 2))
                using (RawClient publisher = RawClient.Connect(basePort))
                {
                    subscriber.Call("SUBSCRIBE", "https:chan");
                    await ClusterFixture.WaitUntil(() => LinkUp(basePort, "node3") && LinkUp(basePort + 2, "node1"),
                        "node1 and node3 to see each other alive with links up", seconds: 60);
                    publisher.Call("PUBLISH", "https:chan", "over https");
                    Assert.Equal("*3\r\n$7\r\nmessage\r\n$10\r\nhttps:chan\r\n$10\r\nover https\r\n", subscriber.ReadReply());
                }
                await browser.NavigateAsync(new Uri(login, "/traces"));
                await browser.WaitUntilAsync("document.body !== null && document.body.innerText.includes('node1: PUBLISH')",
                    "node1's PUBLISH on the traces page", 60);
            }

            await appHost.StopAsync(TimeSpan.FromSeconds(60));
            await ClusterFixture.WaitUntil(() => pids.All(AspireAppFixture.ProcessGone),
                $"the nodes ({string.Join(", ", pids)}) gone with the AppHost", seconds: 30);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static string AppHostProject => Path.Combine(RepositoryRoot.Path, "RedisClone.AppHost", "RedisClone.AppHost.csproj");

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static JsonObject HttpsProfile()
    {
        string file = Path.Combine(RepositoryRoot.Path, "RedisClone.AppHost", "Properties", "launchSettings.json");
        JsonObject https = JsonNode.Parse(File.ReadAllText(file))!["profiles"]!["https"]!.AsObject();
        // What Aspire requires of an https AppHost profile: the dashboard, its OTLP endpoint and the resource service
        // all on https, and no ASPIRE_ALLOW_UNSECURED_TRANSPORT.
        Assert.StartsWith("https://", (string)https["applicationUrl"]!);
        Assert.StartsWith("https://", ProfileVariable(https, "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"));
        Assert.StartsWith("https://", ProfileVariable(https, "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"));
        Assert.Null(https["environmentVariables"]!["ASPIRE_ALLOW_UNSECURED_TRANSPORT"]);
        return https;
    }

    private static string ProfileVariable(JsonObject profile, string name) => (string)profile["environmentVariables"]![name]!;

    private static string WithFreePorts(string urls) =>
        string.Join(';', urls.Split(';').Select(url => new UriBuilder(url) { Port = NodeProcess.FreePort() }.Uri.GetLeftPart(UriPartial.Authority)));

    // Three consecutive free ports for node1..node3's RESP endpoints.
    private static int FreeRespBasePort()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = NodeProcess.FreePort();
            if (port + 2 < 65536 && IsFree(port + 1) && IsFree(port + 2))
            {
                return port;
            }
        }
        throw new InvalidOperationException("no three consecutive free loopback ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> IsolatedEnvironment(string home)
    {
        string realHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new Dictionary<string, string>
        {
            ["HOME"] = home,
            // The packages the build restored stay where they are (the Aspire SDK is resolved from there).
            ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(realHome, ".nuget", "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // Where `dotnet dev-certs https --trust` puts the certificate for OpenSSL, before the system's store.
            ["SSL_CERT_DIR"] = $"{Path.Combine(home, ".aspnet", "dev-certs", "trust")}:{Environment.GetEnvironmentVariable("SSL_CERT_DIR") ?? "/etc/ssl/certs"}",
        };
    }

    private static async Task<(int ExitCode, string Output)> DevCerts(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("dev-certs");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static bool Ping(int port)
    {
        try
        {
            using RawClient client = RawClient.Connect(port);
            return client.Call("PING") == "+PONG\r\n";
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static bool LinkUp(int port, string peer)
    {
        try
        {
            using RawClient client = RawClient.Connect(port);
            return Regex.IsMatch(client.Call("INFO", "gossip"), $@"name={peer},address=[^,]*,state=alive,link=up");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int ProcessId(int port)
    {
        using RawClient client = RawClient.Connect(port);
        return int.Parse(ProcessIdLine().Match(client.Call("INFO", "server")).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"process_id:(\d+)")]
    private static partial Regex ProcessIdLine();

    /// <summary>`dotnet run` of the AppHost, its output kept, stopped as Ctrl+C would (SIGTERM to the AppHost).</summary>
    private sealed partial class AppHostRun : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private AppHostRun(Process process)
        {
            _process = process;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static AppHostRun Start(Dictionary<string, string> environment, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("run");
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            foreach ((string name, string value) in environment)
            {
                start.Environment[name] = value;
            }
            var run = new AppHostRun(Process.Start(start)!);
            run._process.OutputDataReceived += (_, e) => run.Append(e.Data);
            run._process.ErrorDataReceived += (_, e) => run.Append(e.Data);
            run._process.BeginOutputReadLine();
            run._process.BeginErrorReadLine();
            return run;
        }

        private void Append(string? line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        public async Task<Uri> WaitForLoginUrl(TimeSpan deadline)
        {
            Match login = Match.Empty;
            try
            {
                await ClusterFixture.WaitUntil(() => !_process.HasExited && (login = LoginLine().Match(Output)).Success,
                    "the AppHost to print the dashboard's login URL", seconds: (int)deadline.TotalSeconds);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message} (exited: {_process.HasExited})\n{Output}", ex);
            }
            return new Uri(login.Groups[1].Value);
        }

        public async Task StopAsync(TimeSpan deadline)
        {
            if (_process.HasExited)
            {
                return;
            }
            // `dotnet run` waits for the AppHost it started; the AppHost stops DCP and every project on SIGTERM.
            foreach (int child in Children(_process.Id).Append(_process.Id))
            {
                using Process kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", child.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
                await kill.WaitForExitAsync();
            }
            await _process.WaitForExitAsync().WaitAsync(deadline);
        }

        private static List<int> Children(int pid)
        {
            string file = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{pid.ToString(CultureInfo.InvariantCulture)}/children";
            return File.Exists(file)
                ? File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList()
                : [];
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                try
                {
                    await StopAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            _process.Dispose();
        }

        [GeneratedRegex(@"Login URL:\s+(https?://\S+/login\?t=[0-9a-f]+)")]
        private static partial Regex LoginLine();
    }
}

/// <summary>The https profile test starts an AppHost of its own: it runs alone, after the parallel collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HttpsProfileCollection
{
    public const string Name = "Aspire AppHost https profile";
}
