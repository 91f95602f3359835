# The service runs TypeScript directly through tsx: one artefact for every role (--role=bot|worker|all).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Install scripts stay off for dependencies; our own patches (patch-package, a production dependency) are applied.
RUN npm ci --omit=dev --ignore-scripts && npx patch-package --error-on-fail && npm cache clean --force
COPY tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["--role=all"]
