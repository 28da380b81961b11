// The API: a Flex Consumption (FC1) plan and a .NET isolated function app that runs as a
// user-assigned identity. No keys: storage, Application Insights and Cosmos DB are all reached with Entra ID.

@description('Name of the function app.')
param name string
@description('Name of the Flex Consumption plan.')
param planName string
param location string = resourceGroup().location
param tags object = {}
@description('azd service name the app is tagged with (azure.yaml).')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
@description('Client id of that identity.')
param identityClientId string

@description('Storage account for AzureWebJobsStorage and the deployment package.')
param storageAccountName string
@description('Blob container, in that account, that holds the deployment package.')
param deploymentContainerName string
param applicationInsightsName string

param runtimeName string = 'dotnet-isolated'
param runtimeVersion string = '10.0'
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

param cosmosEndpoint string
param cosmosDatabaseName string
param ticketsContainerName string
param tenantsContainerName string
param eventsContainerName string

@description('Blob container for attachments, in the host\'s storage account.')
param attachmentsContainerName string
@description('Issuer URL with a {realm} placeholder.')
param authIssuerTemplate string
@description('Comma-separated realm names.')
param authAllowedRealms string
@description('Expected audience of access tokens.')
param authAudience string
@description('Comma-separated browser origins allowed by CORS (the standalone host\'s Cors__AllowedOrigins); empty allows none.')
param corsAllowedOrigins string = ''

// The same list the standalone host reads, as the platform's CORS: under the Functions host the platform answers
// preflights and adds the CORS headers, so the app never sees a preflight.
var allowedOrigins = filter(map(split(corsAllowedOrigins, ','), origin => trim(origin)), origin => !empty(origin))

@description('Entra ID: the API\'s application (client) id. Empty leaves Entra ID callers off (no AzureAd settings).')
param azureAdClientId string = ''
@description('Entra ID: the directory (tenant) id of the API\'s registration; empty means the deployment\'s own tenant.')
param azureAdTenantId string = ''
@description('Entra ID: the login instance; empty means this cloud\'s login endpoint.')
param azureAdInstance string = ''
@description('Entra ID: the one accepted audience instead of the client id; leave empty for Entra ID tokens.')
param azureAdAudience string = ''
@description('Entra ID: the realmname header value that selects Entra ID tokens; empty means "entra".')
param entraRealmName string = ''
@description('Entra ID callers by client id or object id: { "<id>": { "tenantId": "...", "teams": "a,b", "roles": "ticket_agent", "displayName": "..." } }.')
param entraClients object = {}

var entraOn = !empty(azureAdClientId)

// Auth__Entra__Clients__<id>__* for each mapped application (TicketingFunctions.Auth.EntraOptions).
var entraClientSettings = reduce(items(entraOn ? entraClients : {}), {}, (settings, client) => union(settings, {
  'Auth__Entra__Clients__${client.key}__TenantId': client.value.tenantId
  'Auth__Entra__Clients__${client.key}__Teams': client.value.?teams ?? ''
  'Auth__Entra__Clients__${client.key}__Roles': client.value.?roles ?? ''
  'Auth__Entra__Clients__${client.key}__DisplayName': client.value.?displayName ?? ''
}))

@secure()
@description('HMAC key of list continuation tokens (TicketList__ContinuationTokenKey): base64 of at least 32 bytes.')
param ticketListContinuationTokenKey string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // Readiness: the ticket store and the attachment store answer (anonymous, no secret in its body).
      healthCheckPath: '/api/health/ready'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }

  // Every fixed setting is spelled out here so that the compiled template lists the names; only the per-application
  // Entra ID mappings, whose names depend on the parameters, are merged in.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union({
      // Functions host storage, identity-based.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table

      // Application Insights with local auth disabled: telemetry is sent with the identity's token.
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

      // DefaultAzureCredential picks the user-assigned identity by this client id.
      AZURE_CLIENT_ID: identityClientId

      // TicketingFunctions.Storage.CosmosOptions (no key: the app authenticates with its identity).
      CosmosDb__Endpoint: cosmosEndpoint
      CosmosDb__Database: cosmosDatabaseName
      CosmosDb__TicketsContainer: ticketsContainerName
      CosmosDb__TenantsContainer: tenantsContainerName
      CosmosDb__EventsContainer: eventsContainerName

      // TicketingFunctions.Storage.AttachmentOptions: Blob Storage with the identity (never a connection string in Azure).
      Attachments__BlobServiceUri: storage.properties.primaryEndpoints.blob
      Attachments__Container: attachmentsContainerName

      // TicketingFunctions.Auth.AuthOptions (never a dev signing key in Azure).
      Auth__IssuerTemplate: authIssuerTemplate
      Auth__AllowedRealms: authAllowedRealms
      Auth__Audience: authAudience

      // The standalone host's CORS list; under the Functions host siteConfig.cors (from the same value) applies.
      Cors__AllowedOrigins: corsAllowedOrigins

      // TicketingFunctions.Tickets.Listing.TicketListOptions: one key for every instance.
      TicketList__ContinuationTokenKey: ticketListContinuationTokenKey

      // Microsoft.Identity.Web's AzureAd section and TicketingFunctions.Auth.EntraOptions: all empty (Entra ID off)
      // unless azureAdClientId is given.
      AzureAd__Instance: entraOn ? (empty(azureAdInstance) ? environment().authentication.loginEndpoint : azureAdInstance) : ''
      AzureAd__TenantId: entraOn ? (empty(azureAdTenantId) ? tenant().tenantId : azureAdTenantId) : ''
      AzureAd__ClientId: azureAdClientId
      AzureAd__Audience: entraOn ? azureAdAudience : ''
      Auth__Entra__RealmName: entraOn ? entraRealmName : ''
    }, entraClientSettings)
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
