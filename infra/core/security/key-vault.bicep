// A Key Vault in RBAC mode (who may read or write secrets is decided by Azure role assignments, see
// app/rbac.bicep, never by access policies), closed to public networks: the app resolves its Key Vault
// references through the private endpoint (main.bicep). Deployments still write secrets, because ARM
// writes them through the control plane, not the vault's data endpoint.
param name string
param location string = resourceGroup().location
param tags object = {}

@description('Purge protection keeps a deleted vault (and the ENCRYPTION_KEY in it) recoverable for the retention period. It cannot be turned off once on.')
param enablePurgeProtection bool = true

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Only true or absent are accepted: false is refused by the service.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
