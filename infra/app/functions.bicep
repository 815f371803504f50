// The Moosermail Function App on a Flex Consumption (FC1) plan, running as its user-assigned identity.
// Storage, Key Vault, Application Insights and PostgreSQL are all reached with that identity, over the
// virtual network: no keys, passwords or connection strings with credentials appear in the app settings.
param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('azd deploys the code to the resource carrying this azd-service-name tag (see azure.yaml).')
param serviceName string = 'api'

param identityId string
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string

@description('Resource id of the subnet (delegated to Microsoft.App/environments) the app integrates into.')
param subnetId string

@description('Npgsql connection string without a password: the app logs in with an Entra token of its identity.')
param databaseUrl string

@description('Npgsql Max Pool Size per instance; main.bicep derives it so that instances x pool <= the server\'s budget.')
@minValue(1)
param databasePoolSize int

@description('Versionless Key Vault secret URIs from app/secrets.bicep.')
param encryptionKeySecretUri string
param jwtSecretSecretUri string

@description('Key Vault secret URI of ENCRYPTION_KEYS_PREVIOUS during a key rotation. Empty: the setting is absent.')
param encryptionKeysPreviousSecretUri string = ''

param resendBaseUrl string = 'https://api.resend.com'

@description('Public base URL the app prints in webhook URLs. Empty: the app\'s own https://<default host name>.')
param publicUrl string = ''

// The value must match the regional Flex Consumption runtime catalog exactly: for .NET 10 isolated that is
// '10.0'. ARM also accepts '10', but the host then never starts, and some CLI listings print '10'.
// Catalog: Get-AzFunctionAppFlexConsumptionRuntime -Location <region> -Runtime dotnet-isolated.
param runtimeVersion string = '10.0'

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux, the only OS Flex Consumption runs
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
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
    // All outbound traffic (PostgreSQL, Key Vault references, host storage) leaves through the network.
    virtualNetworkSubnetId: subnetId
    publicNetworkAccess: 'Enabled'
    // Key Vault references resolve with the user-assigned identity, not a (non-existent) system identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
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
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }

  // Replaces the whole set on every deployment, so a setting removed here is removed from the app.
  // FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are deliberately absent: Flex Consumption
  // takes the runtime from functionAppConfig and rejects them.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(
      {
        AzureWebJobsStorage__accountName: storage.name
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identityClientId
        APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
        // No password anywhere: the password Npgsql sends is an Entra access token of AZURE_CLIENT_ID.
        MOOSERMAIL_DATABASE_URL: databaseUrl
        MOOSERMAIL_DATABASE_AUTH: 'entra'
        MOOSERMAIL_DATABASE_POOL_SIZE: string(databasePoolSize)
        AZURE_CLIENT_ID: identityClientId
        ENCRYPTION_KEY: '@Microsoft.KeyVault(SecretUri=${encryptionKeySecretUri})'
        JWT_SECRET: '@Microsoft.KeyVault(SecretUri=${jwtSecretSecretUri})'
        RESEND_BASE_URL: resendBaseUrl
        MOOSERMAIL_PUBLIC_URL: empty(publicUrl) ? 'https://${functionApp.properties.defaultHostName}' : publicUrl
        // The worker sees every request from the Functions host on loopback; the platform's front end
        // appends the real client address to X-Forwarded-For, which the rate limits then key on.
        MOOSERMAIL_TRUSTED_PROXIES: '127.0.0.1,::1'
      },
      empty(encryptionKeysPreviousSecretUri)
        ? {}
        : { ENCRYPTION_KEYS_PREVIOUS: '@Microsoft.KeyVault(SecretUri=${encryptionKeysPreviousSecretUri})' }
    )
  }
}

// Deployments go through Microsoft Entra (azd, `az functionapp deployment`); basic-auth publishing stays off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output url string = 'https://${functionApp.properties.defaultHostName}'
