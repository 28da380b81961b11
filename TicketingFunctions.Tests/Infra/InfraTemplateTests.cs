using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TicketingFunctions.Attachments;
using TicketingFunctions.Attachments.Storage;
using TicketingFunctions.Auth;
using TicketingFunctions.Storage;

namespace TicketingFunctions.Tests.Infra;

/// <summary>
/// Compiles <c>infra/main.bicep</c> once, with the Bicep CLI the repository pins (<c>tools/bicep/bicep.sh</c>),
/// and indexes every resource of the ARM template, nested module deployments included.
/// </summary>
public sealed class CompiledInfraFixture : IDisposable
{
    private readonly string _outDir;

    public CompiledInfraFixture()
    {
        RepoRoot = FindRepoRoot();
        _outDir = Directory.CreateTempSubdirectory("ticketing-infra-").FullName;
        RunBuildAll(RepoRoot, _outDir);

        var mainJson = Path.Combine(_outDir, "main.json");
        if (!File.Exists(mainJson))
        {
            throw new InvalidOperationException($"tools/bicep/bicep.sh build-all succeeded but wrote no {mainJson}.");
        }

        TemplateText = File.ReadAllText(mainJson);
        Document = JsonDocument.Parse(TemplateText);
        Resources = ArmResource.Flatten(Document.RootElement, deployment: null);
    }

    public string RepoRoot { get; }

    /// <summary>The compiled template as text.</summary>
    public string TemplateText { get; }

    public JsonDocument Document { get; }

    /// <summary>The subscription-scope template (main.bicep).</summary>
    public JsonElement Main => Document.RootElement;

    /// <summary>Every resource, at any depth of nested deployments.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type} in the compiled template, found {matches.Count}.");
        return matches[0];
    }

    public void Dispose()
    {
        Document.Dispose();
        try
        {
            Directory.Delete(_outDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "azure.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No azure.yaml found in {AppContext.BaseDirectory} or any folder above it; the infra tests need the repository checkout.");
    }

    private static void RunBuildAll(string repoRoot, string outDir)
    {
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine("tools", "bicep", "bicep.sh"));
        psi.ArgumentList.Add("build-all");
        psi.ArgumentList.Add(outDir);

        // The script runs its own `dotnet restore`; it must not inherit the MSBuild of the `dotnet test` that started us.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            psi.Environment.Remove(name);
        }

        using var process = Process.Start(psi)
            ?? throw new InvalidOperationException("Could not start bash to run tools/bicep/bicep.sh.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // A guard against a hung restore, not a timing assertion.
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("tools/bicep/bicep.sh build-all did not finish within 15 minutes.");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`bash tools/bicep/bicep.sh build-all {outDir}` failed with exit code {process.ExitCode}: the Bicep did not compile " +
                $"or lint cleanly.{Environment.NewLine}--- stdout ---{Environment.NewLine}{stdout.Result}" +
                $"{Environment.NewLine}--- stderr ---{Environment.NewLine}{stderr.Result}");
        }
    }
}

/// <summary>One resource of the compiled template, with the template and the module deployment it sits in.</summary>
public sealed record ArmResource(JsonElement Json, JsonElement Template, ArmResource? Deployment)
{
    private static readonly Regex ParameterReference = new(@"^\[parameters\('([^']+)'\)\]$");
    private static readonly Regex VariableReference = new(@"^\[variables\('([^']+)'\)\]$");
    private static readonly Regex VariableInExpression = new(@"variables\('([^']+)'\)");

    public string Type => Json.GetProperty("type").GetString()!;

    public JsonElement Properties => Json.GetProperty("properties");

    /// <summary>Name of the enclosing module deployment, or null at the top level.</summary>
    public string? DeploymentName => Deployment?.Json.GetProperty("name").GetString();

    /// <summary>The element at a dotted path under the resource, or null when any step is missing.</summary>
    public JsonElement? At(string path)
    {
        var current = Json;
        foreach (var step in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(step, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public JsonElement Required(string path) =>
        At(path) ?? throw new Xunit.Sdk.XunitException($"{Type} has no {path}: {Json}");

    /// <summary>
    /// Follows <c>[parameters('x')]</c> through the module deployments' parameter values (or the parameter's default)
    /// and <c>[variables('x')]</c> to the variable's value, as far as they are known at compile time.
    /// </summary>
    public JsonElement Resolve(JsonElement value) => Resolve(value, Template, Deployment);

    /// <summary>An expression with every string variable it names written in as a literal.</summary>
    public string InlineVariables(string expression) =>
        VariableInExpression.Replace(expression, m =>
            Template.TryGetProperty("variables", out var vars)
            && vars.TryGetProperty(m.Groups[1].Value, out var v)
            && v.ValueKind == JsonValueKind.String
                ? $"'{v.GetString()}'"
                : m.Value);

    public string ResolveString(string path)
    {
        var resolved = Resolve(Required(path));
        return resolved.ValueKind == JsonValueKind.String
            ? resolved.GetString()!
            : throw new Xunit.Sdk.XunitException($"{Type}.{path} resolves to {resolved}, not a string.");
    }

    /// <summary>The value a parameter of this resource's template gets, resolved as far as it is known at compile time.</summary>
    public JsonElement ResolveParameter(string name) =>
        ResolveParameter(name, Template, Deployment)
        ?? throw new Xunit.Sdk.XunitException($"Parameter '{name}' of the template of {Type} gets no value and has no default.");

    private static JsonElement? ResolveParameter(string name, JsonElement template, ArmResource? deployment)
    {
        if (deployment is not null
            && deployment.Json.GetProperty("properties").TryGetProperty("parameters", out var passed)
            && passed.TryGetProperty(name, out var arg)
            && arg.TryGetProperty("value", out var argValue))
        {
            return Resolve(argValue, deployment.Template, deployment.Deployment);
        }

        if (template.TryGetProperty("parameters", out var declared)
            && declared.TryGetProperty(name, out var declaration)
            && declaration.TryGetProperty("defaultValue", out var defaultValue))
        {
            return Resolve(defaultValue, template, deployment);
        }

        return null;
    }

    private static JsonElement Resolve(JsonElement value, JsonElement template, ArmResource? deployment)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        var text = value.GetString()!;
        var parameter = ParameterReference.Match(text);
        if (parameter.Success)
        {
            return ResolveParameter(parameter.Groups[1].Value, template, deployment) ?? value;
        }

        var variable = VariableReference.Match(text);
        if (variable.Success
            && template.TryGetProperty("variables", out var variables)
            && variables.TryGetProperty(variable.Groups[1].Value, out var variableValue))
        {
            return Resolve(variableValue, template, deployment);
        }

        return value;
    }

    public static IReadOnlyList<ArmResource> Flatten(JsonElement template, ArmResource? deployment)
    {
        var all = new List<ArmResource>();
        if (!template.TryGetProperty("resources", out var resources))
        {
            return all;
        }

        // Bicep emits an array, or an object keyed by symbolic name (languageVersion 2.0).
        var items = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().ToList()
            : resources.EnumerateObject().Select(p => p.Value).ToList();
        foreach (var json in items)
        {
            var resource = new ArmResource(json, template, deployment);
            all.Add(resource);
            if (string.Equals(resource.Type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                && json.TryGetProperty("properties", out var props)
                && props.TryGetProperty("template", out var nested))
            {
                all.AddRange(Flatten(nested, resource));
            }
        }

        return all;
    }
}

/// <summary>
/// The design of the Azure deployment, read from the compiled ARM template: keyless everywhere, Flex Consumption,
/// the Cosmos DB layout the app uses, and app settings named after the app's own options classes.
/// </summary>
public sealed class InfraTemplateTests : IClassFixture<CompiledInfraFixture>
{
    private const string CosmosDataContributorRoleId = "00000000-0000-0000-0000-000000000002";
    private const string StorageBlobDataOwnerRoleId = "b7e6314d-f40e-4a48-9a2a-94fd8cfa5f0c";
    private const string StorageQueueDataContributorRoleId = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributorRoleId = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisherRoleId = "3913510d-42f4-4e42-8a64-420c390055eb";

    private readonly CompiledInfraFixture _infra;

    public InfraTemplateTests(CompiledInfraFixture infra) => _infra = infra;

    private static string Setting(string section, string key) => $"{section}__{key}";

    /// <summary>Settings the app must get in Azure.</summary>
    private static readonly string[] RequiredAppSettings =
    [
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.Endpoint)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.Database)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.TicketsContainer)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.TenantsContainer)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.EventsContainer)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.IssuerTemplate)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.AllowedRealms)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.Audience)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.BlobServiceUri)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.Container)),
        Setting(TicketingFunctions.Tickets.Listing.TicketListOptions.SectionName, nameof(TicketingFunctions.Tickets.Listing.TicketListOptions.ContinuationTokenKey)),
        "AZURE_CLIENT_ID",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
    ];

    /// <summary>Settings that must never reach Azure: keys, and switches meant for local emulators only.</summary>
    private static readonly string[] ForbiddenAppSettings =
    [
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.Key)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.AcceptEmulatorCertificate)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.CreateIfNotExists)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.DevSigningKey)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.BlobConnectionString)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.CreateIfNotExists)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.LocalPath)),
        "AzureWebJobsStorage", // a connection string, i.e. an account key
        "AzureWebJobsStorage__accountKey",
    ];

    /// <summary>Options whose defaults in code are right for Azure, so the infra leaves them unset.</summary>
    private static readonly string[] DefaultedAppSettings =
    [
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.ConnectionMode)),
        Setting(CosmosOptions.SectionName, nameof(CosmosOptions.RequestBudgetSeconds)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.TeamsClaim)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.TokenCacheSize)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.MaxBytes)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.MaxPendingUploads)),
        Setting(AttachmentOptions.SectionName, nameof(AttachmentOptions.MaxPendingBytes)),
        Setting(AuthOptions.SectionName, nameof(AuthOptions.KeyRefreshInterval)),
    ];

    /// <summary>The name the per-application Entra ID settings are merged in from (infra/app/api.bicep).</summary>
    private const string EntraClientSettingsVariable = "entraClientSettings";

    private ArmResource AppSettingsResource()
    {
        var config = _infra.OfType("Microsoft.Web/sites/config")
            .Where(r => r.Json.GetProperty("name").GetString()!.Contains("appsettings", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(config.Count == 1, $"Expected one Microsoft.Web/sites/config 'appsettings' resource, found {config.Count}.");
        return config[0];
    }

    /// <summary>
    /// The fixed app settings by name. They are a literal object, or (since the Entra ID client mappings have names that
    /// depend on parameters) a literal object merged with only those: <c>union({...}, entraClientSettings)</c>, which
    /// Bicep compiles to <c>[union(createObject('name', value, …), variables('entraClientSettings'))]</c>.
    /// </summary>
    private Dictionary<string, JsonElement> AppSettings()
    {
        var properties = AppSettingsResource().Properties;
        if (properties.ValueKind == JsonValueKind.Object)
            return properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

        var expression = properties.ValueKind == JsonValueKind.String ? properties.GetString()! : "";
        var union = ArmExpression.Call(expression.TrimStart('[').TrimEnd(']'), "union");
        Assert.True(union is { Count: 2 } && union[1] == $"variables('{EntraClientSettingsVariable}')",
            $"The appsettings properties must be a literal object, or one merged with variables('{EntraClientSettingsVariable}') only, not {properties}.");
        var pairs = ArmExpression.Call(union![0], "createObject");
        Assert.True(pairs is not null && pairs.Count % 2 == 0, $"The fixed app settings must be a literal object, not {union[0]}.");
        var settings = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        for (var i = 0; i < pairs!.Count; i += 2)
        {
            var name = ArmExpression.StringLiteral(pairs[i]) ?? throw new Xunit.Sdk.XunitException($"App setting name {pairs[i]} is not a literal.");
            // As a literal object holds them: a string, or an expression in brackets.
            var value = ArmExpression.StringLiteral(pairs[i + 1]) ?? $"[{pairs[i + 1]}]";
            settings[name] = JsonSerializer.SerializeToElement(value);
        }
        return settings;
    }

    [Fact]
    public void Bicep_modules_are_all_in_the_repository()
    {
        var infraDir = Path.Combine(_infra.RepoRoot, "infra");
        var files = Directory.GetFiles(infraDir, "*.bicep", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        var moduleLine = new Regex(@"^\s*module\s+\w+\s+'([^']*)'", RegexOptions.Multiline);
        var references = 0;
        foreach (var file in files)
        {
            foreach (Match m in moduleLine.Matches(File.ReadAllText(file)))
            {
                references++;
                var target = m.Groups[1].Value;
                var relative = Path.GetRelativePath(_infra.RepoRoot, file);
                Assert.False(
                    Regex.IsMatch(target, "^(br|ts)[/:]", RegexOptions.IgnoreCase),
                    $"{relative} references the registry module '{target}'; write the module in infra/ instead (it can't be restored offline).");
                Assert.True(
                    File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)),
                    $"{relative} references '{target}', which is not a file in the repository.");
            }
        }

        Assert.True(references > 0, "main.bicep is expected to call modules under infra/.");
    }

    [Fact]
    public void Template_holds_no_keys()
    {
        Assert.DoesNotContain("listKeys(", _infra.TemplateText, StringComparison.OrdinalIgnoreCase);
        var listCall = Regex.Match(_infra.TemplateText, @"\blist[A-Za-z]*\(", RegexOptions.IgnoreCase);
        Assert.False(listCall.Success, $"The template calls {listCall.Value}: secrets must not be read at deployment.");
        Assert.DoesNotContain("AccountKey=", _infra.TemplateText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessSignature", _infra.TemplateText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Cosmos_account_is_keyless_and_serverless_by_default()
    {
        var account = _infra.Single("Microsoft.DocumentDB/databaseAccounts");
        Assert.True(account.Required("properties.disableLocalAuth").GetBoolean(), "Cosmos DB must have disableLocalAuth: true.");
        Assert.True(account.Required("properties.disableKeyBasedMetadataWriteAccess").GetBoolean());

        // Capabilities depend on the throughput mode, whose default is serverless.
        var capabilities = account.Required("properties.capabilities").ToString();
        Assert.Contains("EnableServerless", capabilities);
        Assert.Equal("serverless", account.ResolveParameter("throughputMode").GetString());

        // Autoscale is the alternative, on the database's shared throughput.
        var database = _infra.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        var options = database.Required("properties.options").ToString();
        Assert.Contains("autoscaleSettings", options);
        Assert.Contains("maxThroughput", options);

        var allowed = _infra.Main.GetProperty("parameters").GetProperty("cosmosThroughputMode").GetProperty("allowedValues")
            .EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Equal(["serverless", "autoscale"], allowed);
    }

    [Fact]
    public void Cosmos_grants_data_contributor_to_the_app_identity_and_the_deployer()
    {
        var identityDeployment = _infra.Single("Microsoft.ManagedIdentity/userAssignedIdentities").DeploymentName;
        Assert.NotNull(identityDeployment);

        var assignments = _infra.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();
        Assert.NotEmpty(assignments);
        foreach (var assignment in assignments)
        {
            var role = assignment.InlineVariables(assignment.Required("properties.roleDefinitionId").GetString()!);
            Assert.Contains(CosmosDataContributorRoleId, role);
            Assert.Contains("sqlRoleDefinitions", role);
        }

        var principals = assignments.Select(a => a.Resolve(a.Required("properties.principalId")).GetString()!).ToList();
        Assert.Contains(principals, p => p.Contains("deployer().objectId", StringComparison.Ordinal));
        Assert.Contains(principals, p =>
            p.Contains($"'Microsoft.Resources/deployments', '{identityDeployment}')", StringComparison.Ordinal)
            && p.Contains(".outputs.principalId.value", StringComparison.Ordinal));
    }

    [Fact]
    public void Cosmos_database_and_containers_match_the_app_layout()
    {
        var defaults = new CosmosOptions();

        var database = _infra.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
        Assert.Equal(defaults.Database, database.ResolveString("properties.resource.id"));

        var containers = _infra.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
            .ToDictionary(c => c.ResolveString("properties.resource.id"));
        Assert.Equal(
            new[] { defaults.TenantsContainer, defaults.TicketsContainer, defaults.EventsContainer }.Order(),
            containers.Keys.Order());

        foreach (var (name, container) in containers)
        {
            var paths = container.Required("properties.resource.partitionKey.paths").EnumerateArray().Select(p => p.GetString()).ToList();
            Assert.True(paths.SequenceEqual(["/tenant_id"]), $"Container {name} must be partitioned by /tenant_id, not [{string.Join(", ", paths)}].");
        }

        var tickets = containers[defaults.TicketsContainer];
        var uniqueKeys = tickets.Required("properties.resource.uniqueKeyPolicy.uniqueKeys").EnumerateArray()
            .Select(k => string.Join(",", k.GetProperty("paths").EnumerateArray().Select(p => p.GetString())))
            .ToList();
        Assert.Equal(["/object_id"], uniqueKeys);
        Assert.Null(tickets.At("properties.resource.defaultTtl"));

        var tenants = containers[defaults.TenantsContainer];
        Assert.Null(tenants.At("properties.resource.uniqueKeyPolicy"));
        Assert.Equal(-1, tenants.Required("properties.resource.defaultTtl").GetInt32());

        // Events expire by their own ttl (the feed's retention): TTL on, no default expiry.
        var events = containers[defaults.EventsContainer];
        Assert.Null(events.At("properties.resource.uniqueKeyPolicy"));
        Assert.Equal(-1, events.Required("properties.resource.defaultTtl").GetInt32());

        // Stored-only history is never queried, so never indexed; everything else is (as the app creates it on emulators).
        foreach (var (container, excluded) in new[] { (tickets, CosmosClientProvider.TicketHistoryIndexExclusion), (tenants, CosmosClientProvider.ArchiveEntriesIndexExclusion),
                     (events, CosmosClientProvider.EventTicketIndexExclusion) })
        {
            Assert.Equal("consistent", container.Required("properties.resource.indexingPolicy.indexingMode").GetString());
            Assert.Equal(["/*"], container.Required("properties.resource.indexingPolicy.includedPaths").EnumerateArray().Select(p => p.GetProperty("path").GetString()));
            Assert.Equal([excluded], container.Required("properties.resource.indexingPolicy.excludedPaths").EnumerateArray().Select(p => p.GetProperty("path").GetString()));
        }

        // The listings' composite indexes: exactly those the app declares on the containers it creates (emulators).
        var composite = tickets.Required("properties.resource.indexingPolicy.compositeIndexes").EnumerateArray()
            .Select(index => string.Join(",", index.EnumerateArray().Select(p => $"{p.GetProperty("path").GetString()} {p.GetProperty("order").GetString()}")))
            .ToList();
        var declared = CosmosListingIndexes.Paths().Select(paths => string.Join(",", paths.Select(p => $"{p} ascending"))).ToList();
        Assert.Equal(declared, composite);
        // The comment pages' one composite index (created_at, id) on the tenants container, as the app declares it.
        var tenantComposite = tenants.Required("properties.resource.indexingPolicy.compositeIndexes").EnumerateArray()
            .Select(index => string.Join(",", index.EnumerateArray().Select(p => $"{p.GetProperty("path").GetString()} {p.GetProperty("order").GetString()}")))
            .ToList();
        Assert.Equal([string.Join(",", CosmosListingIndexes.CommentPagePaths.Select(p => $"{p} ascending"))], tenantComposite);
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_on_flex_consumption()
    {
        var plan = _infra.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Required("sku.name").GetString());
        Assert.Equal("FlexConsumption", plan.Required("sku.tier").GetString());
        Assert.True(plan.Required("properties.reserved").GetBoolean());

        var site = _infra.Single("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site.Required("kind").GetString());
        Assert.Equal("dotnet-isolated", site.ResolveString("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.ResolveString("properties.functionAppConfig.runtime.version"));
        Assert.Equal("blobContainer", site.ResolveString("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity",
            site.ResolveString("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal("UserAssigned", site.ResolveString("identity.type"));

        Assert.Contains("'azd-service-name'", site.Required("tags").GetString());
        Assert.Equal("api", site.ResolveParameter("serviceName").GetString());
    }

    [Fact]
    public void Function_app_is_https_only_with_tls_1_2_and_no_ftp()
    {
        var site = _infra.Single("Microsoft.Web/sites");
        Assert.True(site.Required("properties.httpsOnly").GetBoolean());
        Assert.Equal("1.2", site.Required("properties.siteConfig.minTlsVersion").GetString());
        Assert.Equal("Disabled", site.Required("properties.siteConfig.ftpsState").GetString());
    }

    [Fact]
    public void Function_app_cors_comes_from_the_standalone_hosts_origin_list()
    {
        var site = _infra.Single("Microsoft.Web/sites");
        var origins = site.Resolve(site.Required("properties.siteConfig.cors.allowedOrigins")).ToString();
        Assert.Contains("parameters('corsAllowedOrigins')", origins);
        Assert.Contains("split(", origins);
        Assert.False(site.Required("properties.siteConfig.cors.supportCredentials").GetBoolean());
        Assert.Equal("", site.ResolveParameter("corsAllowedOrigins").GetString());

        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(_infra.RepoRoot, "infra", "main.parameters.json")));
        Assert.Equal("${CORS_ALLOWED_ORIGINS=}", file.RootElement.GetProperty("parameters").GetProperty("corsAllowedOrigins").GetProperty("value").GetString());
        Assert.Contains("Cors__AllowedOrigins", File.ReadAllText(Path.Combine(_infra.RepoRoot, "infra", "app", "api.bicep")));
    }

    [Fact]
    public void Storage_refuses_shared_keys()
    {
        var storage = _infra.Single("Microsoft.Storage/storageAccounts");
        Assert.False(storage.Required("properties.allowSharedKeyAccess").GetBoolean(), "The storage account must have allowSharedKeyAccess: false.");
        Assert.False(storage.Required("properties.allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", storage.Required("properties.minimumTlsVersion").GetString());
    }

    [Fact]
    public void Application_insights_takes_only_entra_id_telemetry()
    {
        var insights = _infra.Single("Microsoft.Insights/components");
        Assert.True(insights.Required("properties.DisableLocalAuth").GetBoolean());
        Assert.Contains("Microsoft.OperationalInsights/workspaces", insights.Required("properties.WorkspaceResourceId").GetString());
        _infra.Single("Microsoft.OperationalInsights/workspaces");

        var settings = AppSettings();
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].GetString()!;
        Assert.Contains("ClientId=", authentication);
        Assert.Contains("Authorization=AAD", authentication);
        Assert.Contains("identityClientId", authentication);
    }

    [Fact]
    public void App_identity_has_its_storage_and_monitoring_roles()
    {
        var assignments = _infra.OfType("Microsoft.Authorization/roleAssignments").ToList();
        Assert.NotEmpty(assignments);
        foreach (var assignment in assignments)
        {
            Assert.Equal("ServicePrincipal", assignment.ResolveString("properties.principalType"));
            Assert.StartsWith("[guid(", assignment.Json.GetProperty("name").GetString());
        }

        // The role ids are constants of the rbac module.
        var rbacTemplates = assignments.Select(a => a.Template.ToString()).Distinct().ToList();
        var rbacText = string.Join("\n", rbacTemplates);
        foreach (var roleId in new[] { StorageBlobDataOwnerRoleId, StorageQueueDataContributorRoleId, StorageTableDataContributorRoleId, MonitoringMetricsPublisherRoleId })
        {
            Assert.Contains(roleId, rbacText);
        }
    }

    [Fact]
    public void App_settings_cover_every_setting_the_app_reads_and_no_key()
    {
        var settings = AppSettings();

        var missing = RequiredAppSettings.Where(name => !settings.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"App settings missing from infra/app/api.bicep: {string.Join(", ", missing)}.");

        var forbidden = ForbiddenAppSettings.Where(settings.ContainsKey).ToList();
        Assert.True(forbidden.Count == 0, $"App settings that must not be deployed: {string.Join(", ", forbidden)}.");

        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"].GetString());
        Assert.Contains("identityClientId", settings["AZURE_CLIENT_ID"].GetString());
        Assert.Contains("identityClientId", settings["AzureWebJobsStorage__clientId"].GetString());
    }

    [Fact]
    public void Every_cosmos_and_auth_option_is_deployed_forbidden_or_defaulted_on_purpose()
    {
        var classified = RequiredAppSettings.Concat(ForbiddenAppSettings).Concat(DefaultedAppSettings).ToHashSet(StringComparer.Ordinal);
        var unclassified = new[] { (typeof(CosmosOptions), CosmosOptions.SectionName), (typeof(AuthOptions), AuthOptions.SectionName),
                (typeof(AttachmentOptions), AttachmentOptions.SectionName) }
            .SelectMany(o => o.Item1.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite)
                .Select(p => Setting(o.Item2, p.Name)))
            .Where(name => !classified.Contains(name))
            .ToList();
        Assert.True(unclassified.Count == 0,
            $"New options the infra knows nothing about: {string.Join(", ", unclassified)}. Add each to infra/app/api.bicep and " +
            "RequiredAppSettings, or to ForbiddenAppSettings or DefaultedAppSettings in this test.");
    }

    private const string StorageBlobDataContributorRoleId = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

    [Fact]
    public void The_attachments_container_is_the_apps_default_and_made_with_the_storage_account()
    {
        var variables = _infra.Main.GetProperty("variables");
        Assert.Equal(new AttachmentOptions().Container, variables.GetProperty("attachmentsContainerName").GetString());
        var storage = _infra.OfType("Microsoft.Resources/deployments").Single(d => d.Json.GetProperty("name").GetString() == "storage");
        var containers = storage.Required("properties.parameters.containers.value").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("[variables('attachmentsContainerName')]", containers);
        var api = _infra.OfType("Microsoft.Resources/deployments").Single(d => d.Json.GetProperty("name").GetString() == "api");
        Assert.Equal("[variables('attachmentsContainerName')]", api.Required("properties.parameters.attachmentsContainerName.value").GetString());
    }

    [Fact]
    public void The_webhook_deliveries_queue_is_the_apps_and_the_app_identity_reaches_it_keylessly()
    {
        // The queue the timer sends to and the queue trigger reads is made with the storage account, by the app's name.
        Assert.Equal(TicketingFunctions.Services.WebhookDeliveryQueue.Name, _infra.Main.GetProperty("variables").GetProperty("webhookDeliveriesQueueName").GetString());
        var queue = _infra.Single("Microsoft.Storage/storageAccounts/queueServices/queues");
        Assert.Equal("storage", queue.DeploymentName);
        Assert.Equal(["[variables('webhookDeliveriesQueueName')]"], queue.ResolveParameter("queues").EnumerateArray().Select(q => q.GetString()));
        Assert.Contains("parameters('queues')[copyIndex()]", queue.Json.GetProperty("name").GetString());

        // Storage Queue Data Contributor for the app's identity on that account (a constant of the rbac module), so the
        // timer's QueueClient (DefaultAzureCredential) and the host's trigger use no key.
        var storageRoles = _infra.OfType("Microsoft.Authorization/roleAssignments")
            .Single(a => a.Json.TryGetProperty("copy", out var copy) && copy.GetProperty("name").GetString() == "storageRoleAssignments");
        var variables = storageRoles.Template.GetProperty("variables");
        Assert.Equal(StorageQueueDataContributorRoleId, variables.GetProperty("roles").GetProperty("storageQueueDataContributor").GetString());
        Assert.Contains("[variables('roles').storageQueueDataContributor]", variables.GetProperty("storageRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", storageRoles.Required("scope").GetString());
        Assert.Contains("storageRoles')[copyIndex()]", storageRoles.Required("properties.roleDefinitionId").GetString());
        Assert.Equal("[parameters('appPrincipalId')]", storageRoles.Required("properties.principalId").GetString());
        Assert.Contains("'storage'", storageRoles.Deployment!.Required("properties.parameters.storageAccountName.value").GetString());
        Assert.Contains("identity", storageRoles.Deployment!.Required("properties.parameters.appPrincipalId.value").GetString());

        // The queue service's endpoint (no connection string) is the setting the app's QueueClient and the trigger read.
        var settings = AppSettings();
        Assert.Contains("primaryEndpoints.queue", settings["AzureWebJobsStorage__queueServiceUri"].GetString());
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"].GetString());
    }

    [Fact]
    public void A_lifecycle_rule_deletes_unlinked_uploads_under_the_pending_prefix_after_a_day()
    {
        var policy = _infra.Single("Microsoft.Storage/storageAccounts/managementPolicies");
        var rule = Assert.Single(policy.Required("properties.policy.rules").EnumerateArray());
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        var definition = rule.GetProperty("definition");
        Assert.Equal("[format('{0}/pending/', parameters('containerName'))]", Assert.Single(definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray()).GetString());
        Assert.Equal(1, definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterCreationGreaterThan").GetInt32());
        Assert.Equal("[variables('attachmentsContainerName')]", policy.Deployment!.Required("properties.parameters.containerName.value").GetString());
        // The prefix is where the Blob store puts uploads that no ticket has linked yet.
        Assert.StartsWith("pending/", BlobAttachmentStore.PendingName(Guid.NewGuid().ToString(), Guid.NewGuid().ToString()));
        Assert.False(BlobAttachmentStore.LinkedName("t", "a").StartsWith("pending/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_app_identity_is_storage_blob_data_contributor_on_the_attachments_container()
    {
        var assignment = Assert.Single(_infra.OfType("Microsoft.Authorization/roleAssignments"),
            a => a.InlineVariables(a.Required("properties.roleDefinitionId").GetString()!).Contains(StorageBlobDataContributorRoleId));
        Assert.Contains("containers", assignment.Required("scope").GetString());
        Assert.Contains("containerName", assignment.Required("scope").GetString());
        Assert.Contains("appPrincipalId", assignment.Required("properties.principalId").GetString());
        Assert.Contains("identity", assignment.Deployment!.Required("properties.parameters.appPrincipalId.value").GetString());
    }

    [Fact]
    public void Outputs_give_azd_and_the_readme_what_they_need()
    {
        var outputs = _infra.Main.GetProperty("outputs");
        foreach (var name in new[] { "API_BASE_URL", "AZURE_COSMOS_ENDPOINT", "AZURE_RESOURCE_GROUP", "AZURE_LOCATION", "AZURE_FUNCTION_APP_NAME" })
        {
            Assert.True(outputs.TryGetProperty(name, out _), $"main.bicep has no output {name}.");
        }

        var baseUrl = outputs.GetProperty("API_BASE_URL").GetProperty("value").GetString()!;
        Assert.StartsWith("[format('https://{0}/api'", baseUrl);
        Assert.Contains("defaultHostName", baseUrl);

        var rg = _infra.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal("[format('rg-{0}', parameters('environmentName'))]", rg.Json.GetProperty("name").GetString());
    }

    [Fact]
    public void Parameters_file_supplies_every_required_parameter()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(_infra.RepoRoot, "infra", "main.parameters.json")));
        var supplied = file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());
        var declared = _infra.Main.GetProperty("parameters").EnumerateObject().ToList();

        var unknown = supplied.Keys.Except(declared.Select(p => p.Name)).ToList();
        Assert.True(unknown.Count == 0, $"main.parameters.json sets parameters main.bicep lacks: {string.Join(", ", unknown)}.");

        var required = declared.Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name);
        var unset = required.Except(supplied.Keys).ToList();
        Assert.True(unset.Count == 0, $"main.parameters.json does not set: {string.Join(", ", unset)}.");

        Assert.Equal("${AUTH_ISSUER_TEMPLATE}", supplied["authIssuerTemplate"]);
        Assert.Equal("${AUTH_ALLOWED_REALMS}", supplied["authAllowedRealms"]);
        Assert.Equal("${AUTH_AUDIENCE}", supplied["authAudience"]);
        Assert.Equal("${COSMOS_THROUGHPUT_MODE=serverless}", supplied["cosmosThroughputMode"]);
    }

    private static readonly string[] EntraAppSettings =
    [
        Setting(EntraAuthentication.AzureAdSection, "Instance"),
        Setting(EntraAuthentication.AzureAdSection, "TenantId"),
        Setting(EntraAuthentication.AzureAdSection, "ClientId"),
        Setting(EntraAuthentication.AzureAdSection, "Audience"),
        Setting(EntraOptions.SectionName.Replace(":", "__", StringComparison.Ordinal), nameof(EntraOptions.RealmName)),
    ];

    [Fact]
    public void Entra_ID_settings_are_deployed_but_empty_unless_the_API_client_id_is_given()
    {
        var settings = AppSettings();
        var missing = EntraAppSettings.Where(name => !settings.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, $"Entra ID settings missing from infra/app/api.bicep: {string.Join(", ", missing)}.");

        // The app turns Entra ID on only when the AzureAd section has a value (TicketingFunctions.Auth.EntraAuthentication).
        var api = AppSettingsResource();
        Assert.Equal("[not(empty(parameters('azureAdClientId')))]", api.Template.GetProperty("variables").GetProperty("entraOn").GetString());
        Assert.Equal("[parameters('azureAdClientId')]", settings["AzureAd__ClientId"].GetString());
        foreach (var name in EntraAppSettings.Where(n => n != "AzureAd__ClientId"))
            Assert.StartsWith("[if(variables('entraOn'), ", settings[name].GetString());
        Assert.Equal("", api.ResolveParameter("azureAdClientId").GetString());
        // Defaults: this cloud's login endpoint and the deployment's own directory.
        Assert.Contains("environment().authentication.loginEndpoint", settings["AzureAd__Instance"].GetString());
        Assert.Contains("tenant().tenantId", settings["AzureAd__TenantId"].GetString());

        var main = _infra.Main.GetProperty("parameters");
        foreach (var name in new[] { "azureAdClientId", "azureAdTenantId", "azureAdInstance", "azureAdAudience", "entraRealmName" })
            Assert.Equal("", main.GetProperty(name).GetProperty("defaultValue").GetString());
        Assert.Equal("{}", main.GetProperty("entraClientsJson").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void Entra_ID_client_mappings_become_one_setting_per_application_and_field()
    {
        var api = AppSettingsResource();
        var mapping = api.Template.GetProperty("variables").GetProperty(EntraClientSettingsVariable).GetString()!;

        Assert.StartsWith("[reduce(items(if(variables('entraOn'), parameters('entraClients'), createObject()))", mapping);
        foreach (var field in new[] { nameof(EntraClient.TenantId), nameof(EntraClient.Teams), nameof(EntraClient.Roles), nameof(EntraClient.DisplayName) })
            Assert.Contains($"format('Auth__Entra__Clients__{{0}}__{field}', lambdaVariables('client').key)", mapping);
        // main.bicep passes the azd environment's JSON text as the object.
        Assert.Equal("[json(if(empty(parameters('entraClientsJson')), '{}', parameters('entraClientsJson')))]",
            api.Deployment!.Json.GetProperty("properties").GetProperty("parameters").GetProperty("entraClients").GetProperty("value").GetString());
    }

    [Fact]
    public void Parameters_file_takes_the_Entra_ID_settings_from_the_azd_environment()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(_infra.RepoRoot, "infra", "main.parameters.json")));
        var supplied = file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());

        Assert.Equal("${ENTRA_API_CLIENT_ID=}", supplied["azureAdClientId"]);
        Assert.Equal("${ENTRA_TENANT_ID=}", supplied["azureAdTenantId"]);
        Assert.Equal("${ENTRA_INSTANCE=}", supplied["azureAdInstance"]);
        Assert.Equal("${ENTRA_AUDIENCE=}", supplied["azureAdAudience"]);
        Assert.Equal("${ENTRA_REALM_NAME=}", supplied["entraRealmName"]);
        Assert.Equal("${ENTRA_CLIENTS={}}", supplied["entraClientsJson"]);
    }

    [Fact]
    public void The_expression_reader_splits_only_top_level_arguments()
    {
        Assert.Equal(["'a,b'", "f(x, y)", "'it''s'"], ArmExpression.Call("createObject('a,b', f(x, y), 'it''s')", "createObject"));
        Assert.Equal("it's", ArmExpression.StringLiteral("'it''s'"));
        Assert.Null(ArmExpression.StringLiteral("parameters('x')"));
        Assert.Null(ArmExpression.Call("union(a, b) ", "createObject"));
    }
}

/// <summary>Just enough of ARM's expression syntax to read the arguments of a function call and string literals.</summary>
public static class ArmExpression
{
    /// <summary>The top-level arguments of <c>name(a, b, …)</c> when <paramref name="expression"/> is exactly that call, else null.</summary>
    public static List<string>? Call(string expression, string name)
    {
        expression = expression.Trim();
        if (!expression.StartsWith(name + "(", StringComparison.Ordinal) || !expression.EndsWith(')')) return null;
        var body = expression[(name.Length + 1)..^1];
        var args = new List<string>();
        int depth = 0, start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (quoted)
            {
                // '' is an escaped quote inside a string literal.
                if (c == '\'' && i + 1 < body.Length && body[i + 1] == '\'') i++;
                else if (c == '\'') quoted = false;
            }
            else if (c == '\'') quoted = true;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']') { if (--depth < 0) return null; }
            else if (c == ',' && depth == 0)
            {
                args.Add(body[start..i].Trim());
                start = i + 1;
            }
        }
        if (depth != 0 || quoted) return null;
        args.Add(body[start..].Trim());
        return args;
    }

    /// <summary>The text of a string literal <c>'…'</c>, or null for any other expression.</summary>
    public static string? StringLiteral(string expression) =>
        expression.Length >= 2 && expression[0] == '\'' && expression[^1] == '\'' && !expression[1..^1].Replace("''", "", StringComparison.Ordinal).Contains('\'')
            ? expression[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : null;
}
