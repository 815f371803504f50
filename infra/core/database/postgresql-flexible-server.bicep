// Azure Database for PostgreSQL Flexible Server with private access only: the server is injected into a
// delegated subnet, resolves through a private DNS zone, has public network access disabled and no firewall
// rules (there is nothing a rule could open). Only Microsoft Entra identities log in: password auth is off,
// so there is no administrator password to leak or rotate. The Entra administrators are the migration
// identity (runs `migrate`, which creates the app's least-privilege role) and, optionally, an operator.
param name string
param location string = resourceGroup().location
param tags object = {}

param databaseName string

@description('PostgreSQL major version.')
param version string = '16'

param skuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param skuTier string = 'Burstable'

param storageSizeGB int = 32
param backupRetentionDays int = 7

@description('max_connections, pinned so the app\'s pool budget (main.bicep) is computed against a known limit.')
param maxConnections int

@description('Resource id of the subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers.')
param delegatedSubnetId string

@description('Resource id of the private DNS zone (<name>.private.postgres.database.azure.com) linked to the network.')
param privateDnsZoneId string

@description('Entra administrators: objects { objectId, principalName, principalType }.')
param administrators array

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Disabled'
      delegatedSubnetResourceId: delegatedSubnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
    }
  }
}

// The server accepts one change at a time, so the children below are chained with dependsOn to avoid
// ServerIsBusy failures.
@batchSize(1)
resource admins 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = [
  for admin in administrators: {
    parent: server
    name: admin.objectId
    properties: {
      principalName: admin.principalName
      principalType: admin.principalType
      tenantId: tenant().tenantId
    }
  }
]

// On by default already; pinned so nobody can turn TLS off by hand and have the next deployment keep it.
resource requireSecureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [admins]
}

resource minimumTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'ssl_min_protocol_version'
  properties: {
    value: 'TLSv1.2'
    source: 'user-override'
  }
  dependsOn: [requireSecureTransport]
}

resource maxConnectionsSetting 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'max_connections'
  properties: {
    value: string(maxConnections)
    source: 'user-override'
  }
  dependsOn: [minimumTls]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [maxConnectionsSetting]
}

output name string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
