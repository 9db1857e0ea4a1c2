#!/usr/bin/env bash
# Deploy one overlay with one image: the migration Job first (and wait for it), then everything else,
# then wait for the rollout. Usage: infrastructure/k8s/deploy.sh <staging|production> <image:tag>
# Needs kubectl and kustomize (both on GitHub's ubuntu runners) and a KUBECONFIG for the cluster.
set -euo pipefail
overlay="${1:?overlay: staging or production}"
image="${2:?image reference, e.g. ghcr.io/org/promptforge:<sha>}"
dir="$(cd "$(dirname "$0")" && pwd)/overlays/$overlay"
[[ -f "$dir/kustomization.yaml" ]] || { echo "no overlay $overlay at $dir" >&2; exit 2; }
namespace="$(sed -n 's/^namespace: *//p' "$dir/kustomization.yaml")"

(cd "$dir" && kustomize edit set image "promptforge=$image")
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kubectl kustomize "$dir" >"$rendered"

# A Job's pod template is immutable: the previous run goes, this image's run comes.
kubectl -n "$namespace" delete job promptforge-migrate --ignore-not-found --wait=true 2>/dev/null || true
# Namespace, ServiceAccount, ConfigMap and the Job carry promptforge.io/before-rollout=true.
kubectl apply -f "$rendered" -l promptforge.io/before-rollout=true
if ! kubectl -n "$namespace" wait --for=condition=complete job/promptforge-migrate --timeout=15m; then
  kubectl -n "$namespace" logs job/promptforge-migrate --tail=200 || true
  echo "migration failed: the running version keeps serving; nothing else was applied" >&2
  exit 1
fi

kubectl apply -f "$rendered"
kubectl -n "$namespace" rollout status deployment/promptforge-api --timeout=10m
kubectl -n "$namespace" rollout status deployment/promptforge-worker --timeout=10m
echo "deployed $image to $overlay ($namespace)"
