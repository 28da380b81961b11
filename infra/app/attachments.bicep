// Attachments: the container's lifecycle rule and the app identity's data role on the container, keyless.
// The container itself is made with the storage account (core/storage/storage-account.bicep, containers).

@description('Name of the storage account that holds the attachments container.')
param storageAccountName string
@description('Name of the attachments container (TicketingFunctions.Storage.AttachmentOptions.Container).')
param containerName string
@description('Principal (object) id of the function app\'s user-assigned identity.')
param appPrincipalId string

// Built-in role: Storage Blob Data Contributor (read, write and delete blobs; no keys, no ACLs, no tags).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobServices 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

// Uploads wait under pending/ until a ticket links them (the app then moves them under <tenant_id>/). The rule
// deletes what is left there a day after it was written; the app itself refuses to link an upload older than 24 h,
// so the rule's once-a-day schedule only decides when the bytes go, not whether they can still be used.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-unlinked-attachment-uploads'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${containerName}/pending/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: 1
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage::blobServices::container
  name: guid(storage::blobServices::container.id, appPrincipalId, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
