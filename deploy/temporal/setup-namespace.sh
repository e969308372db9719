#!/bin/sh
# One-shot (temporalio/admin-tools): once the server answers, creates the Integrador namespace and
# registers the search attributes runs are found by (IntegradorBase, IntegradorEmpresa, IntegradorIntegracao,
# IntegradorResumo, IntegradorResultado).
# The same commands register them on any production cluster (see docs/operations.md).
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-30d}"

tries=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -ge 60 ] && { echo "Temporal at $ADDRESS is not healthy"; exit 1; }
  echo "waiting for Temporal at $ADDRESS"; sleep 2
done

temporal operator namespace describe --address "$ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$ADDRESS" -n "$NAMESPACE" --retention "$RETENTION"

for attribute in IntegradorBase=Keyword IntegradorEmpresa=Int IntegradorIntegracao=Int IntegradorResumo=Keyword IntegradorResultado=Keyword; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  if temporal operator search-attribute list --address "$ADDRESS" -n "$NAMESPACE" | grep -q "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --address "$ADDRESS" -n "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $NAMESPACE ready"
