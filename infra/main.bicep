// Moosermail on Azure: a Flex Consumption Function App over Azure Database for PostgreSQL, its secrets in
// Key Vault, its host storage and telemetry reached with one user-assigned managed identity. Everything but
// the app's HTTPS front door is private: PostgreSQL, Key Vault and storage are reachable only from the
// virtual network the app is integrated into.
// Deploy into an existing resource group: `azd up`, or `az deployment group create` (see infra/README.md).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('Environment name (e.g. moosermail-prod); seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption (`az functionapp list-flexconsumption-locations`).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string = resourceGroup().location

@description('Object id of the person or group that operates this deployment; gets Key Vault Secrets Officer. Empty: none.')
param principalId string = ''

@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

// Secrets. No defaults, ever: make each with `openssl rand -hex 32` once, keep it in a password manager or
// the CI secret store, and pass the same value on every deployment (a new ENCRYPTION_KEY without the old
// one in encryptionKeysPrevious makes every stored Resend key unreadable).

@secure()
@minLength(32)
@description('ENCRYPTION_KEY: 32 bytes as 64 hex characters or base64. `openssl rand -hex 32`')
param encryptionKey string

@secure()
@description('ENCRYPTION_KEYS_PREVIOUS: the old key(s), comma-separated, only during a key rotation (infra/README.md).')
param encryptionKeysPrevious string = ''

@secure()
@minLength(32)
@description('JWT_SECRET: 32 bytes as 64 hex characters or base64. `openssl rand -hex 32`')
param jwtSecret string

@description('User principal name (or display name of a group/service principal) of principalId. With it, principalId also becomes a PostgreSQL Entra administrator, so it can run `migrate` from inside the network. Empty: the migration identity is the only administrator.')
param principalName string = ''

@description('PostgreSQL compute size. Standard_B1ms (Burstable) suits a small deployment.')
param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL max_connections (Standard_B1ms: 50). Raise it with a larger SKU, then raise maximumInstanceCount.')
@minValue(25)
param postgresMaxConnections int = 50

@description('Connections kept out of the app\'s budget: Azure reserves some for itself (replication, monitoring), and `migrate` and an operator\'s psql need a few.')
@minValue(0)
param postgresReservedConnections int = 20

@description('Most Flex Consumption instances the app may scale to. Each holds up to the derived pool size of connections.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 6

@description('Address space of the virtual network.')
param vnetAddressPrefix string = '10.40.0.0/16'

param resendBaseUrl string = 'https://api.resend.com'

@description('Public base URL printed in webhook URLs (a custom domain). Empty: the Function App\'s own https URL.')
param publicUrl string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var databaseName = 'moosermail'
var functionAppName = 'func-moosermail-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
// Names are fixed here rather than read from module outputs so What-If can predict the role assignments
// and secrets; the modules that use them wait for their owners through dependsOn.
var storageAccountName = 'st${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var applicationInsightsName = 'appi-moosermail-${resourceToken}'
var appIdentityName = 'id-moosermail-${resourceToken}'
var migrationIdentityName = 'id-moosermail-migrate-${resourceToken}'

// Pool budget: maximumInstanceCount x pool size must stay within what the server gives the app, or a
// scale-out ends in "too many clients" errors. The pool size is derived, never set by hand; a budget
// below one connection per instance fails the deployment (databasePoolSize has @minValue(1)).
var appConnectionBudget = postgresMaxConnections - postgresReservedConnections
var databasePoolSize = appConnectionBudget / maximumInstanceCount

// The app's identity: DML on the app's tables through a database role `migrate` creates (see
// infra/README.md), plus storage, its own secrets and telemetry.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: appIdentityName
  location: location
  tags: tags
}

// The migration identity: the PostgreSQL Entra administrator. Only `migrate` runs as it (from a container
// instance in snet-ops), so schema changes never come from the app's own identity.
resource migrationIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: migrationIdentityName
  location: location
  tags: tags
}

module network 'core/network/virtual-network.bicep' = {
  name: 'network'
  params: {
    name: 'vnet-moosermail-${resourceToken}'
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
  }
}

module postgresDnsZone 'core/network/private-dns-zone.bicep' = {
  name: 'postgresDnsZone'
  params: {
    // A delegated-subnet server needs a zone ending in .postgres.database.azure.com.
    name: 'moosermail-${resourceToken}.private.postgres.database.azure.com'
    virtualNetworkId: network.outputs.id
    tags: tags
  }
}

module keyVaultDnsZone 'core/network/private-dns-zone.bicep' = {
  name: 'keyVaultDnsZone'
  params: {
    name: 'privatelink.vaultcore.azure.net'
    virtualNetworkId: network.outputs.id
    tags: tags
  }
}

module blobDnsZone 'core/network/private-dns-zone.bicep' = {
  name: 'blobDnsZone'
  params: {
    name: 'privatelink.blob.${environment().suffixes.storage}'
    virtualNetworkId: network.outputs.id
    tags: tags
  }
}

module keyVaultEndpoint 'core/network/private-endpoint.bicep' = {
  name: 'keyVaultEndpoint'
  params: {
    name: 'pe-kv-${resourceToken}'
    location: location
    tags: tags
    subnetId: network.outputs.privateEndpointSubnetId
    privateLinkServiceId: keyVault.outputs.id
    groupId: 'vault'
    privateDnsZoneId: keyVaultDnsZone.outputs.id
  }
}

module blobEndpoint 'core/network/private-endpoint.bicep' = {
  name: 'blobEndpoint'
  params: {
    name: 'pe-blob-${resourceToken}'
    location: location
    tags: tags
    subnetId: network.outputs.privateEndpointSubnetId
    privateLinkServiceId: storage.outputs.id
    groupId: 'blob'
    privateDnsZoneId: blobDnsZone.outputs.id
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-moosermail-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  name: 'keyVault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
  }
}

module postgres 'core/database/postgresql-flexible-server.bicep' = {
  name: 'postgres'
  params: {
    name: 'psql-moosermail-${resourceToken}'
    location: location
    tags: tags
    databaseName: databaseName
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    maxConnections: postgresMaxConnections
    delegatedSubnetId: network.outputs.postgresSubnetId
    privateDnsZoneId: postgresDnsZone.outputs.id
    administrators: concat(
      [
        {
          objectId: migrationIdentity.properties.principalId
          principalName: migrationIdentity.name
          principalType: 'ServicePrincipal'
        }
      ],
      empty(principalId) || empty(principalName)
        ? []
        : [
            {
              objectId: principalId
              principalName: principalName
              principalType: principalType
            }
          ]
    )
  }
}

module secrets 'app/secrets.bicep' = {
  name: 'secrets'
  params: {
    keyVaultName: keyVaultName
    encryptionKey: encryptionKey
    encryptionKeysPrevious: encryptionKeysPrevious
    hasPreviousKeys: !empty(encryptionKeysPrevious)
    jwtSecret: jwtSecret
  }
  dependsOn: [keyVault]
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    applicationInsightsName: applicationInsightsName
    appIdentityName: appIdentity.name
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
  dependsOn: [storage, keyVault, monitoring]
}

module functions 'app/functions.bicep' = {
  name: 'functions'
  params: {
    name: functionAppName
    planName: 'plan-moosermail-${resourceToken}'
    location: location
    tags: tags
    identityId: appIdentity.id
    identityClientId: appIdentity.properties.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    subnetId: network.outputs.appSubnetId
    // VerifyFull: TLS with the server certificate checked against the system trust store and the host name.
    // The user name is the app identity's database role, which `migrate` creates (MOOSERMAIL_DATABASE_APP_ROLE).
    databaseUrl: 'Host=${postgres.outputs.fullyQualifiedDomainName};Port=5432;Database=${postgres.outputs.databaseName};Username=${appIdentityName};SSL Mode=VerifyFull'
    databasePoolSize: databasePoolSize
    maximumInstanceCount: maximumInstanceCount
    encryptionKeySecretUri: secrets.outputs.encryptionKeyUri
    encryptionKeysPreviousSecretUri: secrets.outputs.encryptionKeysPreviousUri
    jwtSecretSecretUri: secrets.outputs.jwtSecretUri
    resendBaseUrl: resendBaseUrl
    publicUrl: publicUrl
  }
  // The app resolves its Key Vault references and reaches storage on first start, through the private
  // endpoints: grant access and open the endpoints first.
  dependsOn: [storage, rbac, keyVaultEndpoint, blobEndpoint]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_NAME string = functions.outputs.name
output MOOSERMAIL_PUBLIC_URL string = empty(publicUrl) ? functions.outputs.url : publicUrl
output AZURE_KEY_VAULT_NAME string = keyVaultName
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output POSTGRES_DATABASE string = postgres.outputs.databaseName
output MOOSERMAIL_DATABASE_APP_ROLE string = appIdentityName
output MOOSERMAIL_DATABASE_POOL_SIZE int = databasePoolSize
output AZURE_MIGRATION_IDENTITY_ID string = migrationIdentity.id
output AZURE_MIGRATION_IDENTITY_CLIENT_ID string = migrationIdentity.properties.clientId
output AZURE_MIGRATION_IDENTITY_NAME string = migrationIdentity.name
output AZURE_OPS_SUBNET_ID string = network.outputs.opsSubnetId
