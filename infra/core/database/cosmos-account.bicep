@description('Name of the Azure Cosmos DB for NoSQL account.')
param name string
param location string = resourceGroup().location
param tags object = {}

@description('serverless (default; billed per request unit and GB stored) or autoscale (provisioned throughput shared by the database).')
@allowed([
  'serverless'
  'autoscale'
])
param throughputMode string = 'serverless'

@description('Maximum RU/s of the database\'s shared autoscale throughput; used only when throughputMode is autoscale.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

param databaseName string
param ticketsContainerName string
param tenantsContainerName string
param eventsContainerName string

var serverless = throughputMode == 'serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    // Entra ID (RBAC) only: account keys and resource tokens are refused on the data plane.
    disableLocalAuth: true
    // Databases and containers are managed through ARM (this template), never with data-plane keys.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    // Serverless accounts take no throughput; provisioned ones share autoscale RU/s across the containers.
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

// One document per ticket; a tenant's tickets share a logical partition, and object_id is unique within it.
resource tickets 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: ticketsContainerName
  properties: {
    resource: {
      id: ticketsContainerName
      partitionKey: {
        paths: [
          '/tenant_id'
        ]
        kind: 'Hash'
        version: 2
      }
      uniqueKeyPolicy: {
        uniqueKeys: [
          {
            paths: [
              '/object_id'
            ]
          }
        ]
      }
      // The embedded change history is never queried: indexing it would make every write cost more as it grows.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/change_history/*'
          }
        ]
        // The ticket listings' ORDER BY (sort field, then id): Cosmos DB refuses it without a composite index on
        // exactly those paths, and each index serves both directions. (sort, id) serves every listing; (filter,
        // sort, id) lets a listing filtered on that field read only its range. The same list as
        // TicketingFunctions/Storage/CosmosListingIndexes.cs, which the infra tests compare with this one.
        compositeIndexes: [
          [
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/deleted_seq', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/teamId', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/teamId', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/teamId', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/itemTypeId', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/itemTypeId', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/lookup_props/itemTypeId', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_type', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_type', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_type', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_category', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_category', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/status_category', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedBy', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedBy', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedBy', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedById', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedById', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/data/submittedById', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/ticket_relation/objectId', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/ticket_relation/objectId', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/ticket_relation/objectId', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/assignee/username', order: 'ascending' }
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/assignee/username', order: 'ascending' }
            { path: '/updated_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
          [
            { path: '/assignee/username', order: 'ascending' }
            { path: '/last_activity_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
        ]
      }
    }
  }
}

// Per-tenant documents (catalog, idempotency records). TTL is on with no default expiry:
// documents live forever unless they carry their own ttl.
resource tenants 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: tenantsContainerName
  properties: {
    resource: {
      id: tenantsContainerName
      partitionKey: {
        paths: [
          '/tenant_id'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
      // History archive documents are found by kind and ticket_id; their entries are never queried.
      // A page of a ticket's comments is ordered by (created_at, id): the same composite index as
      // CosmosListingIndexes.CommentPagePaths in the app, which the infra tests compare with this one.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/entries/*'
          }
        ]
        compositeIndexes: [
          [
            { path: '/created_at', order: 'ascending' }
            { path: '/id', order: 'ascending' }
          ]
        ]
      }
    }
  }
}

// The tenants' event feeds (one document per event, in the tenant's partition). TTL is on with no default expiry:
// each event carries its own ttl, the feed's retention (Events__RetentionDays), so expired events are removed by the
// service. The ticket snapshot an event carries is served, never queried.
resource events 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: eventsContainerName
  properties: {
    resource: {
      id: eventsContainerName
      partitionKey: {
        paths: [
          '/tenant_id'
        ]
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/ticket/*'
          }
        ]
      }
    }
  }
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output ticketsContainerName string = tickets.name
output tenantsContainerName string = tenants.name
output eventsContainerName string = events.name
