# Builds the btda fat jar and runs one service per container (see docker-compose.yml).
# The base images are build arguments so that a machine without a registry can build from images it made itself
# (scripts/compose-tests.sh does: a Debian base with a JDK, Maven and an offline Maven repository, MAVEN_FLAGS=-o).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
ARG MAVEN_FLAGS=
WORKDIR /src
COPY . .
RUN mvn -B -q -ntp ${MAVEN_FLAGS} -DskipTests -Dbtda.target=target -pl launcher -am package

FROM ${RUNTIME_IMAGE}
WORKDIR /opt/btda
COPY --from=build /src/launcher/target/btda.jar /opt/btda/btda.jar
COPY sql /opt/btda/sql
# /var/lib/btda holds the secret and the services' local state; compose mounts volumes there (see docker-compose.yml).
RUN mkdir -p /var/lib/btda/state /var/lib/btda/secret
ENV BTDA_HOME=/opt/btda \
    BTDA_STATE_DIR=/var/lib/btda/state \
    BTDA_SECURITY_SECRET_FILE=/var/lib/btda/secret/secret \
    BTDA_GEOIP_DIR=/opt/btda/geoip
# Health: GET /health/ready on the metrics port, with bash alone (no HTTP client needed in the image).
COPY scripts/compose/btda-health /usr/local/bin/btda-health
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/btda/btda.jar"]
