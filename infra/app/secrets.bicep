// Moosermail's secrets in Key Vault. The app reads them through Key Vault references, so the values never
// appear in the app's settings. Outputs are versionless secret URIs: a new secret version is picked up
// when the app restarts (or within a day), without redeploying the app settings.
param keyVaultName string

@secure()
@description('Current ENCRYPTION_KEY (32 bytes: 64 hex characters or base64).')
param encryptionKey string

@secure()
@description('ENCRYPTION_KEYS_PREVIOUS: older keys, comma-separated, only while a rotation is in progress.')
param encryptionKeysPrevious string = ''

@description('Whether encryptionKeysPrevious is set (a plain flag, so the outputs never derive from a secure value).')
param hasPreviousKeys bool = false

@secure()
@description('JWT_SECRET (32 bytes: 64 hex characters or base64).')
param jwtSecret string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource encryptionKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'encryption-key'
  properties: {
    value: encryptionKey
  }
}

resource encryptionKeysPreviousSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (hasPreviousKeys) {
  parent: vault
  name: 'encryption-keys-previous'
  properties: {
    value: encryptionKeysPrevious
  }
}

resource jwtSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'jwt-secret'
  properties: {
    value: jwtSecret
  }
}

output encryptionKeyUri string = encryptionKeySecret.properties.secretUri
output encryptionKeysPreviousUri string = hasPreviousKeys ? encryptionKeysPreviousSecret!.properties.secretUri : ''
output jwtSecretUri string = jwtSecretSecret.properties.secretUri
