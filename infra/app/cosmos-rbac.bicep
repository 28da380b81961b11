// Cosmos DB data-plane role assignments (Cosmos has its own RBAC, separate from Azure RBAC).

@description('Name of the Cosmos DB account.')
param cosmosAccountName string
@description('Principal (object) id of the function app\'s user-assigned identity.')
param appPrincipalId string
@description('Principal (object) id of whoever deploys, so that seeding from a developer machine works.')
param deployerPrincipalId string

// Built-in "Cosmos DB Built-in Data Contributor" SQL role.
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-11-15' existing = {
  parent: account
  name: cosmosDataContributorRoleId
}

resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: dataContributor.id
    principalId: appPrincipalId
    scope: account.id
  }
}

resource deployerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, deployerPrincipalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: dataContributor.id
    principalId: deployerPrincipalId
    scope: account.id
  }
}
