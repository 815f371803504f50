// The Moosermail Function App on a Flex Consumption (FC1) plan, running as its user-assigned identity.
// Storage, Key Vault and Application Insights are all reached with that identity: no keys or
// connection strings with credentials appear in the app settings.
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

@description('Versionless Key Vault secret URIs from app/secrets.bicep.')
param databaseUrlSecretUri string
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
param maximumInstanceCount int = 40

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
    // Key Vault references resolve with the user-assigned identity, not a (non-existent) system identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
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
        MOOSERMAIL_DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${databaseUrlSecretUri})'
        ENCRYPTION_KEY: '@Microsoft.KeyVault(SecretUri=${encryptionKeySecretUri})'
        JWT_SECRET: '@Microsoft.KeyVault(SecretUri=${jwtSecretSecretUri})'
        RESEND_BASE_URL: resendBaseUrl
        MOOSERMAIL_PUBLIC_URL: empty(publicUrl) ? 'https://${functionApp.properties.defaultHostName}' : publicUrl
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
