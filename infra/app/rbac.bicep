// Azure RBAC role assignments for the function app's user-assigned identity.
// Cosmos DB data-plane roles live in cosmos-rbac.bicep.

@description('Name of the storage account that holds the host state and the deployment package.')
param storageAccountName string
@description('Name of the Application Insights component.')
param applicationInsightsName string
@description('Principal (object) id of the function app\'s user-assigned identity.')
param appPrincipalId string

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6314d-f40e-4a48-9a2a-94fd8cfa5f0c'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Blob: deployment package and host leases; queue and table: AzureWebJobsStorage for the Functions host. The queue role
// also covers the webhook-deliveries queue: the timer sends its messages with the identity, the queue trigger takes them.
resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    scope: storage
    name: guid(storage.id, appPrincipalId, roleId)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Application Insights has local auth disabled: the identity must be allowed to publish telemetry.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
