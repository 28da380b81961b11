targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used for the resource group name and a unique token in resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Issuer URL with a {realm} placeholder, e.g. https://id.example.com/realms/{realm} (Auth__IssuerTemplate).')
param authIssuerTemplate string

@description('Comma-separated realm names the API accepts; empty refuses every realm (Auth__AllowedRealms).')
param authAllowedRealms string

@description('Audience that access tokens must carry (Auth__Audience).')
param authAudience string

@description('Comma-separated browser origins allowed by CORS, e.g. https://app.example.com; empty (the default) allows none (Cors__AllowedOrigins and the function app\'s CORS).')
param corsAllowedOrigins string = ''

@description('Entra ID callers: the API\'s application (client) id (AzureAd__ClientId). Empty leaves them off.')
param azureAdClientId string = ''

@description('Entra ID callers: the directory of the API\'s registration (AzureAd__TenantId); empty means this deployment\'s tenant.')
param azureAdTenantId string = ''

@description('Entra ID callers: the login instance (AzureAd__Instance); empty means this cloud\'s login endpoint.')
param azureAdInstance string = ''

@description('Entra ID callers: the one accepted audience instead of the client id (AzureAd__Audience); leave empty for Entra ID tokens.')
param azureAdAudience string = ''

@description('Entra ID callers: the realmname header value for Entra ID tokens (Auth__Entra__RealmName); empty means "entra".')
param entraRealmName string = ''

@description('Entra ID callers, as JSON: {"<client or object id>": {"tenantId": "...", "teams": "a,b", "roles": "ticket_agent", "displayName": "..."}} (Auth__Entra__Clients__*).')
param entraClientsJson string = '{}'

// Every instance signs and checks list continuation tokens with this key. Unless one is passed, each deployment makes a
// new one: tokens issued before a deployment are then refused (400) and clients start their listing again.
@secure()
@description('Base64 of at least 32 random bytes: the HMAC key of list continuation tokens (TicketList__ContinuationTokenKey).')
param ticketListContinuationTokenKey string = base64('${newGuid()}${newGuid()}')

@description('Cosmos DB capacity: serverless (default) or autoscale provisioned throughput.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('Maximum RU/s of the database\'s shared autoscale throughput, when cosmosThroughputMode is autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

var functionAppName = 'func-api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// The layout the app expects (defaults of TicketingFunctions.Storage.CosmosOptions).
var cosmosDatabaseName = 'ticketing'
var ticketsContainerName = 'tickets'
var tenantsContainerName = 'tenants'
var eventsContainerName = 'events'
// TicketingFunctions.Storage.AttachmentOptions.Container's default.
var attachmentsContainerName = 'attachments'
// The Storage queue of webhook deliveries (TicketingFunctions.Services.WebhookDeliveryQueue.Name): the timer enqueues, the queue trigger delivers.
var webhookDeliveriesQueueName = 'webhook-deliveries'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containers: [
      deploymentContainerName
      attachmentsContainerName
    ]
    queues: [
      webhookDeliveriesQueueName
    ]
  }
}

module cosmos 'core/database/cosmos-account.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${resourceToken}'
    location: location
    tags: tags
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    databaseName: cosmosDatabaseName
    ticketsContainerName: ticketsContainerName
    tenantsContainerName: tenantsContainerName
    eventsContainerName: eventsContainerName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
  }
}

module attachments 'app/attachments.bicep' = {
  name: 'attachments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    containerName: attachmentsContainerName
    appPrincipalId: identity.outputs.principalId
  }
}

module cosmosRbac 'app/cosmos-rbac.bicep' = {
  name: 'cosmos-rbac'
  scope: rg
  params: {
    cosmosAccountName: cosmos.outputs.name
    appPrincipalId: identity.outputs.principalId
    // Whoever runs `azd up` can seed catalogs with their own Entra ID login.
    deployerPrincipalId: deployer().objectId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    ticketsContainerName: cosmos.outputs.ticketsContainerName
    tenantsContainerName: cosmos.outputs.tenantsContainerName
    eventsContainerName: cosmos.outputs.eventsContainerName
    attachmentsContainerName: attachmentsContainerName
    authIssuerTemplate: authIssuerTemplate
    authAllowedRealms: authAllowedRealms
    authAudience: authAudience
    corsAllowedOrigins: corsAllowedOrigins
    azureAdClientId: azureAdClientId
    azureAdTenantId: azureAdTenantId
    azureAdInstance: azureAdInstance
    azureAdAudience: azureAdAudience
    entraRealmName: entraRealmName
    entraClients: json(empty(entraClientsJson) ? '{}' : entraClientsJson)
    ticketListContinuationTokenKey: ticketListContinuationTokenKey
  }
  // The host needs its storage and telemetry roles, and the app its Cosmos role, from the first start.
  dependsOn: [
    rbac
    cosmosRbac
    attachments
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output API_BASE_URL string = 'https://${api.outputs.defaultHostName}/api'
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
