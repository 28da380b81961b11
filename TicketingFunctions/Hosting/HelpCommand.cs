namespace TicketingFunctions.Hosting;

/// <summary><c>--help</c>: the commands and the main settings, printed without starting anything.</summary>
public static class HelpCommand
{
    public static bool IsHelp(string[] args) => args is ["--help" or "-h" or "help", ..];

    public const string Text = """
        TicketingFunctions: the ticketing API on the standalone host (Kestrel), or the isolated worker under the Functions host.

        usage: dotnet run --project TicketingFunctions [-- <command> | -- --urls http://localhost:7072]
               dotnet TicketingFunctions/bin/Debug/net10.0/TicketingFunctions.dll <command>   (no rebuild)

        commands:
          (none)            serve the API (default http://localhost:7071; --urls to change)
          dev-token         print a token signed with the dev key: --tenant <uuid> [--roles ticket_user] [--teams james]
                            [--scope "tickets:read tickets:write"] [--realm demo] [--user user@example.com] [--minutes 480]
          seed-catalog      upsert a catalog file's tenants into Cosmos DB: seed-catalog [file.json]
          reset-local-data  delete the embedded store's local data (Storage__DataPath)
          --help            this text

        main settings (environment variables, or "Values" in local.settings.json):
          ASPNETCORE_ENVIRONMENT         Development turns on /api/docs and CORS on the OpenAPI document
          CosmosDb__Endpoint             Cosmos DB account (empty: the embedded store); CosmosDb__Key for an emulator
          CosmosDb__CreateIfNotExists    create the database and containers (local emulators)
          Storage__DataPath              the embedded store's data folder
          Attachments__BlobServiceUri    Blob Storage for attachments (empty: the folder Attachments__LocalPath)
          Auth__AllowedRealms            realms whose tokens are accepted; Auth__IssuerTemplate, Auth__Audience
          Auth__DevSigningKey            local-only HS256 key for dev-token (base64, 32+ bytes)
          Cors__AllowedOrigins           browser origins (standalone host)
          ApiDocs__Enabled               the /api/docs reference outside Development
          Logging__Console__FormatterName=json   JSON log lines with scopes
        see docs/operations.md for every setting.
        """;
}
