#!/usr/bin/env bash
# azd postprovision hook (also runnable by hand after `az deployment`): applies migrations from inside the
# virtual network, because PostgreSQL has no public endpoint. It starts a one-off Azure Container Instance in
# the ops subnet, running as the migration identity (the server's Entra administrator), which builds this
# repository's commit and runs `migrate` with MOOSERMAIL_DATABASE_APP_ROLE set, so the app's DML-only role
# exists and covers every table. Prints the container's log and fails when migrate fails.
#
# Needs: az (logged in), the deployment outputs as environment variables (azd provides them; by hand:
# see infra/README.md), and a repository URL the container can clone (MOOSERMAIL_MIGRATE_REPO, default:
# this checkout's origin) at MOOSERMAIL_MIGRATE_REVISION (default: HEAD's commit).
# Skip with MOOSERMAIL_SKIP_MIGRATE=1: the app then answers 503 "run migrate" until someone does.
set -euo pipefail

if [ "${MOOSERMAIL_SKIP_MIGRATE:-}" = "1" ]; then
  echo "migrate: skipped (MOOSERMAIL_SKIP_MIGRATE=1); the app refuses traffic until migrations are applied."
  exit 0
fi

for var in AZURE_RESOURCE_GROUP AZURE_LOCATION AZURE_OPS_SUBNET_ID AZURE_MIGRATION_IDENTITY_ID AZURE_MIGRATION_IDENTITY_CLIENT_ID \
           AZURE_MIGRATION_IDENTITY_NAME POSTGRES_HOST POSTGRES_DATABASE MOOSERMAIL_DATABASE_APP_ROLE; do
  [ -n "${!var:-}" ] || { echo "migrate: $var is not set (a deployment output of infra/main.bicep)" >&2; exit 1; }
done

repo=${MOOSERMAIL_MIGRATE_REPO:-$(git remote get-url origin 2>/dev/null || true)}
revision=${MOOSERMAIL_MIGRATE_REVISION:-$(git rev-parse HEAD)}
[ -n "$repo" ] || { echo "migrate: no git remote 'origin'; set MOOSERMAIL_MIGRATE_REPO to a URL the container can clone" >&2; exit 1; }

name="ci-migrate-$(date +%s)"
echo "migrate: running $revision of $repo in container $name (ops subnet, migration identity)"
# The connection string holds no password: the container asks Entra for a token as the migration identity.
az container create -g "$AZURE_RESOURCE_GROUP" -n "$name" -l "$AZURE_LOCATION" \
  --image mcr.microsoft.com/dotnet/sdk:10.0 --os-type Linux --cpu 2 --memory 4 --restart-policy Never \
  --subnet "$AZURE_OPS_SUBNET_ID" --assign-identity "$AZURE_MIGRATION_IDENTITY_ID" \
  --gitrepo-url "$repo" --gitrepo-revision "$revision" --gitrepo-mount-path /src \
  --environment-variables \
    "MOOSERMAIL_DATABASE_URL=Host=$POSTGRES_HOST;Port=5432;Database=$POSTGRES_DATABASE;Username=$AZURE_MIGRATION_IDENTITY_NAME;SSL Mode=VerifyFull" \
    MOOSERMAIL_DATABASE_AUTH=entra AZURE_CLIENT_ID="$AZURE_MIGRATION_IDENTITY_CLIENT_ID" \
    MOOSERMAIL_DATABASE_APP_ROLE="$MOOSERMAIL_DATABASE_APP_ROLE" DOTNET_CLI_TELEMETRY_OPTOUT=1 \
  --command-line "dotnet run --project /src/functions -c Release -- migrate" \
  --output none

state=""
for _ in $(seq 1 120); do
  state=$(az container show -g "$AZURE_RESOURCE_GROUP" -n "$name" --query "containers[0].instanceView.currentState.state" -o tsv 2>/dev/null || true)
  [ "$state" = "Terminated" ] && break
  sleep 10
done
az container logs -g "$AZURE_RESOURCE_GROUP" -n "$name" || true
code=$(az container show -g "$AZURE_RESOURCE_GROUP" -n "$name" --query "containers[0].instanceView.currentState.exitCode" -o tsv 2>/dev/null || echo "")
az container delete -g "$AZURE_RESOURCE_GROUP" -n "$name" --yes --output none || true
if [ "$state" != "Terminated" ] || [ "$code" != "0" ]; then
  echo "migrate: failed (state '$state', exit code '$code'); the app answers 503 'run migrate' until it succeeds" >&2
  exit 1
fi
echo "migrate: done"
