# One image for the API and the workers; GPU workers build with TFJS_NODE_PACKAGE=@tensorflow/tfjs-node-gpu
FROM node:20-bookworm-slim
ARG TFJS_NODE_PACKAGE=""
# onnxruntime-node's postinstall only downloads its CUDA libraries (its CPU library ships in the
# package): npm 11 skips it through package.json's allowScripts, this image's npm 10 through this
ARG ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY migrations ./migrations
RUN npm ci && if [ -n "$TFJS_NODE_PACKAGE" ]; then npm install --no-save "$TFJS_NODE_PACKAGE"; fi
ENV MORPHOSPACE_DATA_DIR=/data HOST=0.0.0.0
VOLUME /data
ENTRYPOINT ["node", "bin/morphospace.js"]
CMD ["serve"]
