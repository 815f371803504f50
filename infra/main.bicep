// Moosermail on Azure: a Flex Consumption Function App over Azure Database for PostgreSQL, its secrets in
// Key Vault, its host storage and telemetry reached with one user-assigned managed identity.
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

@description('PostgreSQL administrator login (not admin, root, postgres, azure_superuser, ...).')
param postgresAdminLogin string = 'moosermail_admin'

@secure()
@minLength(8)
@maxLength(128)
@description('PostgreSQL administrator password: 8-128 characters from three of upper, lower, digits, symbols.')
param postgresAdminPassword string

@description('PostgreSQL compute size. Standard_B1ms (Burstable) suits a small deployment.')
param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@description('Public IPv4 address of a dev box allowed to reach PostgreSQL (to run migrations). Empty: none.')
param postgresClientIpAddress string = ''

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

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-moosermail-${resourceToken}'
  location: location
  tags: tags
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
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    allowedClientIpAddress: postgresClientIpAddress
  }
}

module secrets 'app/secrets.bicep' = {
  name: 'secrets'
  params: {
    keyVaultName: keyVaultName
    // VerifyFull: TLS with the server certificate checked against the system trust store and host name.
    // The password is quoted (and its quotes doubled) so any character is safe in the connection string.
    databaseUrl: 'Host=${postgres.outputs.fullyQualifiedDomainName};Port=5432;Database=${postgres.outputs.databaseName};Username=${postgresAdminLogin};Password="${replace(postgresAdminPassword, '"', '""')}";SSL Mode=VerifyFull'
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
    appPrincipalId: appIdentity.properties.principalId
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
    databaseUrlSecretUri: secrets.outputs.databaseUrlUri
    encryptionKeySecretUri: secrets.outputs.encryptionKeyUri
    encryptionKeysPreviousSecretUri: secrets.outputs.encryptionKeysPreviousUri
    jwtSecretSecretUri: secrets.outputs.jwtSecretUri
    resendBaseUrl: resendBaseUrl
    publicUrl: publicUrl
  }
  // The app resolves its Key Vault references and reaches storage on first start: grant access first.
  dependsOn: [storage, rbac]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_NAME string = functions.outputs.name
output MOOSERMAIL_PUBLIC_URL string = empty(publicUrl) ? functions.outputs.url : publicUrl
output AZURE_KEY_VAULT_NAME string = keyVaultName
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output POSTGRES_DATABASE string = postgres.outputs.databaseName
