/*
 * One UDP socket answering for many addresses: bound to the wildcard address, it learns each
 * datagram's destination from IP_PKTINFO and replies from that same address. The simulator uses it
 * so that a million devices need one descriptor instead of a million (a process may hold 20,000
 * here), and so that the kernel's socket lookup per datagram stays short.
 *
 * open(port, receiveBufferBytes, onMessage) -> handle; onMessage(datagram, fromAddr, fromPort, toAddr)
 * send(handle, datagram, toAddr, toPort, fromAddr) -> bytes sent, or -errno
 * close(handle)
 * Addresses are IPv4 as unsigned 32-bit numbers in host order.
 */
#define NAPI_VERSION 8
#include "../../native/poll_socket.h"
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM 65536
/* Datagrams read per readable event before yielding to the rest of the loop. */
#define READS_PER_EVENT 256

typedef struct {
  poll_socket base; /* first: the lifecycle in poll_socket.h */
  unsigned char buffer[MAX_DATAGRAM];
} shared_socket;

static void deliver(shared_socket *s, ssize_t length, struct sockaddr_in *from, uint32_t to) {
  napi_env env = s->base.env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, global, argv[4], result;
  void *copy;
  if (napi_get_reference_value(env, s->base.callback, &callback) == napi_ok && callback != NULL &&
      napi_get_global(env, &global) == napi_ok &&
      napi_create_buffer_copy(env, (size_t)length, s->buffer, &copy, &argv[0]) == napi_ok &&
      napi_create_uint32(env, ntohl(from->sin_addr.s_addr), &argv[1]) == napi_ok &&
      napi_create_uint32(env, ntohs(from->sin_port), &argv[2]) == napi_ok &&
      napi_create_uint32(env, to, &argv[3]) == napi_ok) {
    if (napi_make_callback(env, s->base.context, global, callback, 4, argv, &result) == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  shared_socket *s = (shared_socket *)poll->data;
  if (status < 0 || !(events & UV_READABLE)) return;
  for (int n = 0; n < READS_PER_EVENT; n++) {
    struct sockaddr_in from;
    char control[CMSG_SPACE(sizeof(struct in_pktinfo))];
    struct iovec iov = {s->buffer, MAX_DATAGRAM};
    struct msghdr msg = {0};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t length = recvmsg(s->base.fd, &msg, MSG_DONTWAIT);
    if (length < 0) return; /* EAGAIN: drained; anything else is retried on the next event */
    if (msg.msg_flags & MSG_TRUNC) continue;
    uint32_t to = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
        to = ntohl(((struct in_pktinfo *)CMSG_DATA(c))->ipi_addr.s_addr);
    if (to != 0) deliver(s, length, &from, to);
  }
}

static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint32_t port, receive_buffer;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "open(port, receiveBufferBytes, onMessage)");
    return NULL;
  }
  CHECK(env, napi_get_value_uint32(env, argv[0], &port));
  CHECK(env, napi_get_value_uint32(env, argv[1], &receive_buffer));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int on = 1;
  int size = (int)receive_buffer;
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)port);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0 ||
      (size > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0) ||
      bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, "bind", error);
  }
  shared_socket *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  uv_loop_t *loop;
  s->base.fd = fd;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->base.poll, fd) != 0) {
    close(fd);
    free(s);
    return throw_errno(env, "uv_poll_init", EINVAL);
  }
  return poll_socket_start(env, &s->base, argv[2], "vigil:shared-udp", on_readable);
}

static shared_socket *unwrap(napi_env env, napi_value value) {
  return poll_socket_unwrap(env, value, "shared socket");
}

static napi_value send_datagram(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result;
  uint32_t to, to_port, from;
  void *data;
  size_t length;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "send(handle, datagram, toAddr, toPort, fromAddr)");
    return NULL;
  }
  shared_socket *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
  CHECK(env, napi_get_buffer_info(env, argv[1], &data, &length));
  CHECK(env, napi_get_value_uint32(env, argv[2], &to));
  CHECK(env, napi_get_value_uint32(env, argv[3], &to_port));
  CHECK(env, napi_get_value_uint32(env, argv[4], &from));
  struct sockaddr_in destination = {0};
  destination.sin_family = AF_INET;
  destination.sin_port = htons((uint16_t)to_port);
  destination.sin_addr.s_addr = htonl(to);
  char control[CMSG_SPACE(sizeof(struct in_pktinfo))];
  memset(control, 0, sizeof control);
  struct iovec iov = {data, length};
  struct msghdr msg = {0};
  msg.msg_name = &destination;
  msg.msg_namelen = sizeof destination;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
  ((struct in_pktinfo *)CMSG_DATA(c))->ipi_spec_dst.s_addr = htonl(from);
  ssize_t sent = sendmsg(s->base.fd, &msg, MSG_DONTWAIT);
  CHECK(env, napi_create_int32(env, sent < 0 ? -errno : (int32_t)sent, &result));
  return result;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  return poll_socket_close(env, info, "shared socket");
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_datagram, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 3, properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
