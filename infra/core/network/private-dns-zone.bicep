// A private DNS zone linked to the virtual network, so names like kv-….vault.azure.net resolve to private
// addresses from inside it (and keep resolving to the public, closed endpoint from outside).
param name string
param virtualNetworkId string
param tags object = {}

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: name
  location: 'global'
  tags: tags
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: 'vnet-link'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: virtualNetworkId
    }
  }
}

output id string = zone.id
output name string = zone.name
