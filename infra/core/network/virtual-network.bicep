// The private network every Moosermail resource talks over. The app joins it through Flex Consumption's
// virtual network integration; PostgreSQL is injected into a subnet of its own (no public endpoint at all);
// Key Vault and the storage account are reached through private endpoints. The ops subnet is where an
// operator runs `migrate` from inside the network (a container instance or a jump host, infra/README.md).
param name string
param location string = resourceGroup().location
param tags object = {}

@description('Address space of the virtual network; the four /24 subnets below are carved from its start.')
param addressPrefix string = '10.40.0.0/16'

var subnets = {
  app: cidrSubnet(addressPrefix, 24, 1)
  postgres: cidrSubnet(addressPrefix, 24, 2)
  privateEndpoints: cidrSubnet(addressPrefix, 24, 3)
  ops: cidrSubnet(addressPrefix, 24, 4)
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        // Flex Consumption integrates into a subnet delegated to Microsoft.App/environments.
        name: 'snet-app'
        properties: {
          addressPrefix: subnets.app
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        // PostgreSQL Flexible Server with private access: the server lives in this delegated subnet.
        name: 'snet-postgres'
        properties: {
          addressPrefix: subnets.postgres
          delegations: [
            {
              name: 'postgres-flexible-server'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: subnets.privateEndpoints
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
      {
        // Container instances an operator starts to run `migrate` (or any one-off task) inside the network.
        name: 'snet-ops'
        properties: {
          addressPrefix: subnets.ops
          delegations: [
            {
              name: 'container-instances'
              properties: {
                serviceName: 'Microsoft.ContainerInstance/containerGroups'
              }
            }
          ]
        }
      }
    ]
  }
}

output id string = vnet.id
output name string = vnet.name
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-app')
output postgresSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-postgres')
output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-private-endpoints')
output opsSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-ops')
