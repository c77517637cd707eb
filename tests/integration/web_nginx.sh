# shellcheck shell=bash
# The nginx in front of `portlens serve` for tests and benchmarks (sourced): the tested block
# of docs/deploy.md (between its nginx markers; only `listen` and the upstream port changed)
# inside a minimal nginx.conf whose files all live in one work directory.

# nginx_conf_from_docs DOC LISTEN UPSTREAM_PORT DIR [WORKERS]: prints the nginx.conf.
# WORKERS > 1 runs a master with that many workers (as root, so they can use DIR).
nginx_conf_from_docs() {
  local doc=$1 listen=$2 upstream_port=$3 dir=$4 workers=${5:-1}
  mkdir -p "$dir/nginx-tmp"
  if [ "$workers" -gt 1 ]; then
    printf 'daemon off;\nuser root;\nworker_processes %s;\n' "$workers"
  else
    printf 'daemon off;\nmaster_process off;\nworker_processes 1;\n'
  fi
  cat <<CONF
pid $dir/nginx.pid;
error_log $dir/nginx-error.log info;
events { worker_connections 4096; }
http {
  access_log $dir/nginx-access.log;
  client_body_temp_path $dir/nginx-tmp/body;
  proxy_temp_path $dir/nginx-tmp/proxy;
CONF
  sed -n '/<!-- nginx:begin -->/,/<!-- nginx:end -->/p' "$doc" | grep -v '^<!--' |
    grep -v '^```' | sed -e "s/listen 80;/listen $listen;/" \
    -e "s/127\.0\.0\.1:8080/127.0.0.1:$upstream_port/"
  echo "}"
}
