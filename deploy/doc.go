// Package deploy holds no code: it is the container image (Dockerfile), the
// Kubernetes manifests (kubernetes/, with kustomize), the GitHub App
// manifest (github-app/) and an example Action workflow (action/). Its
// tests check that they parse and agree with the server: the events it
// handles, its routes, its settings. See docs/deploy.md.
package deploy
