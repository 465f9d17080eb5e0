# FastMCP's proxy (PyPI fastmcp): `fastmcp run <MCPConfig file>` serves every server the file names behind one
# Streamable HTTP endpoint, each tool as <server>_<tool>. Nobody publishes an image of it: this is the one used.
ARG BASE=local/debian:trixie
FROM ${BASE}
ARG FASTMCP_VERSION
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /app/.venv \
    && /app/.venv/bin/pip install --no-cache-dir "fastmcp==${FASTMCP_VERSION}" \
    && /app/.venv/bin/python -c "import importlib.metadata as m; print('fastmcp', m.version('fastmcp'), 'mcp', m.version('mcp'))" \
    && groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --home-dir /app --shell /sbin/nologin --no-create-home app \
    && chown -R 10001:10001 /app
ENV PATH="/app/.venv/bin:${PATH}" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
EXPOSE 8000
USER 10001:10001
ENTRYPOINT ["fastmcp"]
CMD ["version"]
